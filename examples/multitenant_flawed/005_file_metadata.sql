-- 005: searchable metadata on existing files. The table already holds data: short lock and
-- statement timeouts, a constant default (no rewrite since PostgreSQL 11), and the index
-- built CONCURRENTLY, so this migration runs outside a transaction and every statement can be
-- re-run after a partial failure (IF NOT EXISTS).

SET lock_timeout = '5s';
SET statement_timeout = '30min';

ALTER TABLE files ADD COLUMN IF NOT EXISTS metadata jsonb NOT NULL DEFAULT '{}';
COMMENT ON COLUMN files.metadata IS 'Extracted metadata (EXIF, page count...), queried with @>.';

-- FLAW (gin-jsonb-opclass-unspecified): no operator class: the larger jsonb_ops by default,
-- although only @> is used.
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_files__metadata ON files USING gin (metadata);
COMMENT ON INDEX ix_files__metadata IS 'Containment search on metadata (@>).';

RESET statement_timeout;
RESET lock_timeout;
