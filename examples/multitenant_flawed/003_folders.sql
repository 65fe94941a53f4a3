-- 003: folders, a tree per project (parent_id NULL = top level). The self-reference is a
-- composite tenant key, so a folder cannot be moved under another tenant's folder.

BEGIN;

-- the foreign keys below lock the existing referenced tables (SHARE ROW EXCLUSIVE)
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '1min';

CREATE TABLE folders (
    tenant_id bigint NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    project_id bigint NOT NULL,
    parent_id bigint,
    name text NOT NULL,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_folders PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_folders__id UNIQUE (id),
    CONSTRAINT fk_folders__projects FOREIGN KEY (tenant_id, project_id)
        REFERENCES projects (tenant_id, id) ON DELETE CASCADE ON UPDATE NO ACTION,
    -- FLAW (cross-tenant-foreign-key): the parent is referenced by id alone, so a folder can
    -- be moved under another tenant's folder; (fk-missing-index): no index leads with parent_id.
    CONSTRAINT fk_folders__folders FOREIGN KEY (parent_id)
        REFERENCES folders (id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT fk_folders__tenant_members FOREIGN KEY (tenant_id, created_by)
        REFERENCES tenant_members (tenant_id, user_id)
        ON DELETE SET NULL (created_by) ON UPDATE NO ACTION,
    CONSTRAINT ck_folders__not_own_parent CHECK (parent_id <> id),
    CONSTRAINT ck_folders__name_format CHECK (char_length(name) BETWEEN 1 AND 255 AND name !~ '/')
);
COMMENT ON TABLE folders IS 'Folder tree of a project.';
COMMENT ON COLUMN folders.tenant_id IS 'Owning tenant.';
COMMENT ON COLUMN folders.id IS 'Folder id.';
COMMENT ON COLUMN folders.project_id IS 'Project the folder belongs to.';
COMMENT ON COLUMN folders.parent_id IS 'Parent folder; NULL for a top-level folder.';
COMMENT ON COLUMN folders.name IS 'Folder name, unique among its siblings.';
COMMENT ON COLUMN folders.created_by IS 'Member who created it; NULL once they leave the tenant.';
COMMENT ON COLUMN folders.created_at IS 'Creation time.';
COMMENT ON CONSTRAINT pk_folders ON folders IS 'Tenant-first key.';
COMMENT ON CONSTRAINT uq_folders__id ON folders IS 'Lets other rows reference a folder by id alone.';
COMMENT ON CONSTRAINT fk_folders__projects ON folders IS 'Folders go with their project, in the same tenant.';
COMMENT ON CONSTRAINT fk_folders__folders ON folders IS 'Deleting a folder deletes its subtree; parent in the same tenant.';
COMMENT ON CONSTRAINT fk_folders__tenant_members ON folders IS 'The creator is a member of the same tenant.';
COMMENT ON CONSTRAINT ck_folders__not_own_parent ON folders IS 'A folder is not its own parent.';
COMMENT ON CONSTRAINT ck_folders__name_format ON folders IS 'Names of 1 to 255 characters without a slash.';

CREATE UNIQUE INDEX uq_folders__tenant_id_project_id_parent_id_name
    ON folders (tenant_id, project_id, parent_id, name) NULLS NOT DISTINCT;
COMMENT ON INDEX uq_folders__tenant_id_project_id_parent_id_name IS
    'Sibling names are unique (top level included); lists a folder''s children by name; serves the projects foreign key.';
-- FLAW (redundant-index): the primary key (tenant_id, id) already starts with tenant_id.
CREATE INDEX ix_folders__tenant_id ON folders (tenant_id);
COMMENT ON INDEX ix_folders__tenant_id IS 'Folders of a tenant.';
CREATE INDEX ix_folders__tenant_id_created_by ON folders (tenant_id, created_by);
COMMENT ON INDEX ix_folders__tenant_id_created_by IS 'The tenant_members foreign key.';

CREATE POLICY folders_isolation ON folders
    USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
ALTER TABLE folders ENABLE ROW LEVEL SECURITY;
-- FLAW (rls-not-forced): no FORCE ROW LEVEL SECURITY: the owner role, which the application
-- connects as, bypasses folders_isolation.

COMMIT;
