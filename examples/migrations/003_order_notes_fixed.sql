-- The same intent, written the safe way.
-- +goose NO TRANSACTION
-- +goose Up
SET lock_timeout = '5s';

ALTER TABLE orders ADD COLUMN shipped_at timestamptz;

CREATE INDEX CONCURRENTLY ix_orders__created_at ON orders (created_at);

-- pgarch-lint: ignore[ban-drop-table] unused since release 4.2, archived (OPS-123)
DROP TABLE legacy_invoices;

-- +goose Down
DROP INDEX CONCURRENTLY ix_orders__created_at;
ALTER TABLE orders DROP COLUMN shipped_at;
