-- A later migration on live tables: this one has problems pgarch-lint reports.
ALTER TABLE orders ADD COLUMN note text;

CREATE INDEX ix_orders__status ON orders (status);

ALTER TABLE customers ALTER COLUMN phone SET NOT NULL;

ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();

DROP TABLE legacy_orders;
