-- A later migration on live tables: this one has problems pgarch-lint reports.
ALTER TABLE orders ADD COLUMN note text;

CREATE INDEX ix_orders__status ON orders (status);

ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

DROP TABLE legacy_orders;
