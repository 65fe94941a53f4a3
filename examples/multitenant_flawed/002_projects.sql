-- 002: projects. Keys are (tenant_id, id): the primary key leads with the tenant column, so it
-- serves the RLS filter, and child tables reference (tenant_id, id) so that a row can never
-- point at another tenant's project.

BEGIN;

-- the foreign keys below lock the existing referenced tables (SHARE ROW EXCLUSIVE)
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '1min';

CREATE TABLE projects (
    tenant_id bigint NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    name text NOT NULL,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_projects PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_projects__tenant_id_name UNIQUE (tenant_id, name),
    CONSTRAINT fk_projects__tenants FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT fk_projects__tenant_members FOREIGN KEY (tenant_id, created_by)
        REFERENCES tenant_members (tenant_id, user_id)
        ON DELETE SET NULL (created_by) ON UPDATE NO ACTION,
    CONSTRAINT ck_projects__name_length CHECK (char_length(name) BETWEEN 1 AND 200)
);
COMMENT ON TABLE projects IS 'A tenant''s workspaces; every folder, file and asset belongs to one project.';
COMMENT ON COLUMN projects.tenant_id IS 'Owning tenant.';
COMMENT ON COLUMN projects.id IS 'Project id (unique on its own, referenced together with tenant_id).';
COMMENT ON COLUMN projects.name IS 'Display name, unique within the tenant.';
COMMENT ON COLUMN projects.created_by IS 'Member who created it; NULL once they leave the tenant.';
COMMENT ON COLUMN projects.created_at IS 'Creation time.';
COMMENT ON COLUMN projects.updated_at IS 'Last rename or settings change.';
COMMENT ON CONSTRAINT pk_projects ON projects IS 'Tenant-first key: serves the RLS filter and composite foreign keys.';
COMMENT ON CONSTRAINT uq_projects__tenant_id_name ON projects IS 'Project names are unique within a tenant.';
COMMENT ON CONSTRAINT fk_projects__tenants ON projects IS 'Projects go with their tenant.';
COMMENT ON CONSTRAINT fk_projects__tenant_members ON projects IS 'The creator is a member of the same tenant.';
COMMENT ON CONSTRAINT ck_projects__name_length ON projects IS 'Names of 1 to 200 characters.';

CREATE INDEX ix_projects__tenant_id_created_by ON projects (tenant_id, created_by);
COMMENT ON INDEX ix_projects__tenant_id_created_by IS 'Projects of a member, and the tenant_members foreign key.';

CREATE POLICY projects_isolation ON projects
    USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;

COMMIT;
