-- 004: files and their derived assets (thumbnails, previews). A private file is visible only
-- to its creator; a public one to every member of the tenant (a restrictive policy on top of
-- the tenant-isolation policy).

BEGIN;

-- the foreign keys below lock the existing referenced tables (SHARE ROW EXCLUSIVE)
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '1min';

CREATE TYPE file_visibility AS ENUM ('private', 'public');
COMMENT ON TYPE file_visibility IS 'Who in the tenant can see a file.';

CREATE TABLE files (
    tenant_id bigint NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    project_id bigint NOT NULL,
    folder_id bigint,
    name text NOT NULL,
    visibility file_visibility NOT NULL DEFAULT 'private',
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    storage_key text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_files PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_files__storage_key UNIQUE (storage_key),
    CONSTRAINT fk_files__projects FOREIGN KEY (tenant_id, project_id)
        REFERENCES projects (tenant_id, id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT fk_files__folders FOREIGN KEY (tenant_id, folder_id)
        REFERENCES folders (tenant_id, id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT fk_files__tenant_members FOREIGN KEY (tenant_id, created_by)
        REFERENCES tenant_members (tenant_id, user_id)
        ON DELETE SET NULL (created_by) ON UPDATE NO ACTION,
    CONSTRAINT ck_files__size_bytes CHECK (size_bytes >= 0),
    CONSTRAINT ck_files__name_format CHECK (char_length(name) BETWEEN 1 AND 255 AND name !~ '/')
);
COMMENT ON TABLE files IS 'Uploaded files; the bytes live in object storage under storage_key.';
COMMENT ON COLUMN files.tenant_id IS 'Owning tenant.';
COMMENT ON COLUMN files.id IS 'File id.';
COMMENT ON COLUMN files.project_id IS 'Project the file belongs to.';
COMMENT ON COLUMN files.folder_id IS 'Containing folder; NULL at the project''s top level.';
COMMENT ON COLUMN files.name IS 'File name, unique within its folder.';
COMMENT ON COLUMN files.visibility IS 'private: the creator only; public: every member of the tenant.';
COMMENT ON COLUMN files.content_type IS 'MIME type reported at upload.';
COMMENT ON COLUMN files.size_bytes IS 'Size of the stored object.';
COMMENT ON COLUMN files.storage_key IS 'Object-storage key of the bytes.';
COMMENT ON COLUMN files.tags IS 'User-defined labels.';
COMMENT ON COLUMN files.created_by IS 'Uploader; NULL once they leave the tenant.';
COMMENT ON COLUMN files.created_at IS 'Upload time.';
COMMENT ON COLUMN files.updated_at IS 'Last rename, move or visibility change.';
COMMENT ON CONSTRAINT pk_files ON files IS 'Tenant-first key.';
COMMENT ON CONSTRAINT uq_files__storage_key ON files IS 'One row per stored object.';
COMMENT ON CONSTRAINT fk_files__projects ON files IS 'Files go with their project, in the same tenant.';
COMMENT ON CONSTRAINT fk_files__folders ON files IS 'Files go with their folder, in the same tenant.';
COMMENT ON CONSTRAINT fk_files__tenant_members ON files IS 'The uploader is a member of the same tenant.';
COMMENT ON CONSTRAINT ck_files__size_bytes ON files IS 'Sizes are not negative.';
COMMENT ON CONSTRAINT ck_files__name_format ON files IS 'Names of 1 to 255 characters without a slash.';

CREATE UNIQUE INDEX uq_files__tenant_id_project_id_folder_id_name
    ON files (tenant_id, project_id, folder_id, name) NULLS NOT DISTINCT;
COMMENT ON INDEX uq_files__tenant_id_project_id_folder_id_name IS
    'Unique names per folder; lists a folder (or the project''s top level) by name; serves the projects foreign key.';
CREATE INDEX ix_files__tenant_id_folder_id ON files (tenant_id, folder_id);
COMMENT ON INDEX ix_files__tenant_id_folder_id IS 'The folders foreign key (ON DELETE CASCADE from a folder).';
CREATE INDEX ix_files__tenant_id_created_by ON files (tenant_id, created_by);
COMMENT ON INDEX ix_files__tenant_id_created_by IS '"My files", and the tenant_members foreign key.';
CREATE INDEX ix_files__tenant_id_created_at ON files (tenant_id, created_at DESC);
COMMENT ON INDEX ix_files__tenant_id_created_at IS '"Recent files" across a tenant.';
-- FLAW (duplicate-index): the same definition as ix_files__tenant_id_folder_id.
CREATE INDEX ix_files__folder ON files (tenant_id, folder_id);
COMMENT ON INDEX ix_files__folder IS 'Files of a folder.';
-- FLAW (btree-on-jsonb-or-array): a b-tree on the whole array; tag filters (@>, &&) cannot use it.
CREATE INDEX ix_files__tags ON files (tags);
COMMENT ON INDEX ix_files__tags IS 'Tag search.';
-- FLAW (too-many-indexes, opt-in): speculative single-column indexes push files past 10.
CREATE INDEX ix_files__content_type ON files (content_type);
COMMENT ON INDEX ix_files__content_type IS 'Filter by type.';
CREATE INDEX ix_files__size_bytes ON files (size_bytes);
COMMENT ON INDEX ix_files__size_bytes IS 'Largest files.';
CREATE INDEX ix_files__updated_at ON files (updated_at);
COMMENT ON INDEX ix_files__updated_at IS 'Recently changed files.';

CREATE POLICY files_isolation ON files
    USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
CREATE POLICY files_private ON files AS RESTRICTIVE FOR SELECT
    USING (visibility = 'public' OR created_by = (SELECT current_setting('app.user_id')));
-- FLAW (policy-always-true): meant for public share links, but a permissive USING (true) is
-- OR-ed with files_isolation: every role reads every tenant's files.
CREATE POLICY files_public_links ON files FOR SELECT USING (true);
ALTER TABLE files ENABLE ROW LEVEL SECURITY;
ALTER TABLE files FORCE ROW LEVEL SECURITY;

CREATE TABLE assets (
    tenant_id bigint NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    file_id bigint NOT NULL,
    kind text NOT NULL,
    storage_key text NOT NULL,
    width integer,
    height integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_assets PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_assets__tenant_id_file_id_kind UNIQUE (tenant_id, file_id, kind),
    CONSTRAINT uq_assets__storage_key UNIQUE (storage_key),
    CONSTRAINT fk_assets__files FOREIGN KEY (tenant_id, file_id)
        REFERENCES files (tenant_id, id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT ck_assets__kind CHECK (kind IN ('thumbnail', 'preview', 'poster')),
    CONSTRAINT ck_assets__dimensions CHECK (width > 0 AND height > 0)
);
COMMENT ON TABLE assets IS 'Renditions generated from a file (thumbnails, previews).';
COMMENT ON COLUMN assets.tenant_id IS 'Owning tenant.';
COMMENT ON COLUMN assets.id IS 'Asset id.';
COMMENT ON COLUMN assets.file_id IS 'Source file.';
COMMENT ON COLUMN assets.kind IS 'thumbnail, preview or poster.';
COMMENT ON COLUMN assets.storage_key IS 'Object-storage key of the rendition.';
COMMENT ON COLUMN assets.width IS 'Width in pixels, for images and video.';
COMMENT ON COLUMN assets.height IS 'Height in pixels, for images and video.';
COMMENT ON COLUMN assets.created_at IS 'When the rendition was generated.';
COMMENT ON CONSTRAINT pk_assets ON assets IS 'Tenant-first key.';
COMMENT ON CONSTRAINT uq_assets__tenant_id_file_id_kind ON assets IS 'One rendition of each kind per file; serves the files foreign key.';
COMMENT ON CONSTRAINT uq_assets__storage_key ON assets IS 'One row per stored object.';
COMMENT ON CONSTRAINT fk_assets__files ON assets IS 'Renditions go with their file, in the same tenant.';
COMMENT ON CONSTRAINT ck_assets__kind ON assets IS 'The rendition kinds the workers produce.';
COMMENT ON CONSTRAINT ck_assets__dimensions ON assets IS 'Dimensions, when known, are positive.';

CREATE POLICY assets_isolation ON assets
    USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
-- FLAW (policy-without-rls, tenant-table-missing-rls): ENABLE ROW LEVEL SECURITY was
-- forgotten: assets_isolation exists but applies to nobody.

-- FLAW (partition-key-not-in-unique): the primary key lacks created_at, the partition key;
-- PostgreSQL rejects this table.
-- FLAW (tenant-table-missing-rls): an audit log with tenant_id and no row-level security.
CREATE TABLE file_events (
    tenant_id bigint NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    file_id bigint NOT NULL,
    action text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_file_events PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_file_events__files FOREIGN KEY (tenant_id, file_id)
        REFERENCES files (tenant_id, id) ON DELETE CASCADE ON UPDATE NO ACTION
) PARTITION BY RANGE (created_at);
COMMENT ON TABLE file_events IS 'Audit log of file actions, partitioned by month.';
CREATE INDEX ix_file_events__tenant_id_file_id ON file_events (tenant_id, file_id);
COMMENT ON INDEX ix_file_events__tenant_id_file_id IS 'History of a file, and the files foreign key.';

COMMIT;
