"""Shared by the tests of tests/catalog/: replay SQL text into a catalog."""

from __future__ import annotations

from pglast import parse_sql

from pgarch_lint.catalog import Catalog, Loc


def replay(sql: str, cat: Catalog | None = None, *, path: str = "m.sql") -> Catalog:
    """Parse ``sql`` and apply each statement to ``cat`` (a new catalog by default)."""
    cat = cat if cat is not None else Catalog()
    cat.begin_file(path, context=False)
    for raw in parse_sql(sql):
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(sql)
        assert raw.stmt is not None
        cat.apply(raw.stmt, Loc(path, start, end))
    assert cat.errors == 0, cat.failures
    return cat


# a schema touching every statement family the replay handles
RICH_SQL = """
SET search_path = app, public;
CREATE SCHEMA app;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE ROLE reader;
GRANT reader TO CURRENT_USER;
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
ALTER TYPE app.mood ADD VALUE 'happy' AFTER 'ok';
CREATE TYPE app.pair AS (a int, b text);
CREATE DOMAIN app.posint AS integer CHECK (VALUE > 0);
CREATE SEQUENCE app.counter AS bigint START 10;
CREATE TABLE app.parent (
    id bigserial PRIMARY KEY,
    tenant_id bigint NOT NULL,
    email text UNIQUE,
    mood app.mood DEFAULT 'ok',
    created_at timestamptz DEFAULT now(),
    CONSTRAINT parent_email_check CHECK (email IS NOT NULL AND length(email) > 3)
);
CREATE TABLE app.child (
    id bigint GENERATED ALWAYS AS IDENTITY,
    parent_id bigint REFERENCES app.parent ON DELETE CASCADE,
    token uuid DEFAULT gen_random_uuid(),
    during tstzrange,
    EXCLUDE USING gist (during WITH &&) WHERE (parent_id IS NOT NULL)
);
CREATE TABLE app.events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_at_idx ON app.events (at);
CREATE INDEX CONCURRENTLY parent_live_idx ON app.parent (tenant_id) WHERE created_at IS NOT NULL;
ALTER TABLE app.parent ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON app.parent USING (tenant_id = current_setting('app.tenant')::bigint)
    WITH CHECK (tenant_id > 0);
ALTER POLICY tenant_isolation ON app.parent TO reader;
CREATE VIEW app.parent_emails AS SELECT id, email FROM app.parent;
CREATE MATERIALIZED VIEW app.counts AS SELECT parent_id, count(*) AS n FROM app.child GROUP BY 1;
CREATE UNIQUE INDEX counts_parent ON app.counts (parent_id);
REFRESH MATERIALIZED VIEW app.counts;
CREATE TABLE app.copy AS SELECT id, email FROM app.parent;
SELECT id INTO app.ids FROM app.parent;
CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql STABLE AS 'SELECT a';
ALTER FUNCTION app.f(int) SECURITY DEFINER;
ALTER TABLE app.child ADD COLUMN note varchar(10), ALTER COLUMN note TYPE varchar(20);
ALTER TABLE app.child ADD CONSTRAINT child_parent_uq UNIQUE (parent_id);
ALTER TABLE app.child ALTER COLUMN parent_id SET NOT NULL;
ALTER SEQUENCE app.counter OWNED BY app.child.id;
ALTER DOMAIN app.posint ADD CONSTRAINT small CHECK (VALUE < 1000) NOT VALID;
COMMENT ON TABLE app.parent IS 'parents';
COMMENT ON COLUMN app.parent.email IS 'login';
GRANT SELECT ON app.parent TO reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER TABLE app.copy RENAME TO copies;
ALTER TABLE app.copies RENAME COLUMN email TO mail;
ALTER INDEX app.parent_live_idx RENAME TO parent_tenant_live_idx;
ALTER FUNCTION app.f(int) OWNER TO reader;
ALTER TABLE app.ids SET SCHEMA public;
ALTER ROLE reader NOLOGIN;
DROP TABLE public.ids;
DROP ROLE IF EXISTS nobody;
"""
