-- Critical queries of the file-management platform (schema: examples/multitenant/).
--
-- Every request runs `SET LOCAL app.tenant_id = ...` and `SET LOCAL app.user_id = ...` first:
-- row-level security then adds `tenant_id = current_setting('app.tenant_id')` to every query on
-- a tenant table, so the tenant-first indexes of the schema serve queries that do not name
-- tenant_id themselves.
--
-- Check: pgarch-lint check examples/queries.sql --context examples/multitenant
-- One query below needs an index the schema lacks; it is marked.

-- Tenant switcher: the tenants a signed-in user belongs to (ix_tenant_members__user_id, then
-- the tenants primary key).
SELECT t.id, t.slug, t.name, m.role
FROM tenant_members AS m
JOIN tenants AS t ON t.id = m.tenant_id
WHERE m.user_id = $1
ORDER BY t.name;

-- The signed-in user (primary key) and a look-up by e-mail (unique constraint).
SELECT id, email, display_name FROM users WHERE id = $1;
SELECT id, display_name FROM users WHERE email = lower($1);

-- Members of the current tenant with their names.
SELECT u.id, u.email, u.display_name, m.role
FROM tenant_members AS m
JOIN users AS u ON u.id = m.user_id
ORDER BY u.email;

-- Project list of the tenant, by name (uq_projects__tenant_id_name: tenant, then name).
SELECT id, name, updated_at
FROM projects
ORDER BY name
LIMIT 50;

-- File tree listing: the top level of a project, then the children of a folder, by name
-- (uq_folders__tenant_id_project_id_parent_id_name and uq_files__..._folder_id_name).
SELECT id, name, created_at
FROM folders
WHERE project_id = $1 AND parent_id IS NULL
ORDER BY name;

SELECT id, name, created_at
FROM folders
WHERE project_id = $1 AND parent_id = $2
ORDER BY name;

SELECT id, name, content_type, size_bytes, visibility, updated_at
FROM files
WHERE project_id = $1 AND folder_id = $2
ORDER BY name
LIMIT 100;

-- Next page of a folder listing: keyset pagination on the name.
SELECT id, name, content_type, size_bytes, visibility, updated_at
FROM files
WHERE project_id = $1 AND folder_id = $2 AND name > $3
ORDER BY name
LIMIT 100;

-- Breadcrumb: the path from a folder up to the project's top level (primary key per step).
WITH RECURSIVE path AS (
    SELECT id, parent_id, name, 1 AS depth
    FROM folders
    WHERE id = $1
    UNION ALL
    SELECT f.id, f.parent_id, f.name, p.depth + 1
    FROM path AS p
    JOIN folders AS f ON f.id = p.parent_id
)
SELECT id, name FROM path ORDER BY depth DESC;

-- File detail with its renditions (primary key; uq_assets__tenant_id_file_id_kind).
SELECT f.id, f.name, f.content_type, f.size_bytes, a.kind, a.storage_key, a.width, a.height
FROM files AS f
LEFT JOIN assets AS a ON a.tenant_id = f.tenant_id AND a.file_id = f.id
WHERE f.id = $1;

-- Search by name: files whose name starts with the typed text, inside one folder.
SELECT id, name, folder_id
FROM files
WHERE project_id = $1 AND folder_id = $2 AND name LIKE $3 || '%'
ORDER BY name
LIMIT 20;

-- Search by extracted metadata (GIN index ix_files__metadata, jsonb_path_ops).
SELECT id, name
FROM files
WHERE metadata @> $1::jsonb;

-- Recent files per project. NEEDS AN INDEX the schema lacks: ix_files__tenant_id_created_at
-- sorts the whole tenant, the unique (tenant_id, project_id, folder_id, name) index finds the
-- project but not in upload order. Fix: CREATE INDEX CONCURRENTLY
-- ix_files__tenant_id_project_id_created_at ON files (tenant_id, project_id, created_at DESC);
SELECT id, name, folder_id, created_at
FROM files  -- expect: missing-index-for-query
WHERE project_id = $1
ORDER BY created_at DESC
LIMIT 20;

-- Recent files across the tenant (ix_files__tenant_id_created_at).
SELECT id, name, project_id, created_at
FROM files
ORDER BY created_at DESC
LIMIT 20;

-- Projects with their file counts and total size.
SELECT p.id, p.name, count(f.id) AS files, coalesce(sum(f.size_bytes), 0) AS bytes
FROM projects AS p
LEFT JOIN files AS f ON f.tenant_id = p.tenant_id AND f.project_id = p.id
GROUP BY p.id, p.name
ORDER BY p.name;

-- Upload, rename/move, change visibility, delete.
INSERT INTO files (
    tenant_id, project_id, folder_id, name, content_type, size_bytes, storage_key, created_by
) VALUES (
    current_setting('app.tenant_id')::bigint, $1, $2, $3, $4, $5, $6,
    current_setting('app.user_id')
)
RETURNING id, created_at;

UPDATE files SET name = $2, folder_id = $3, updated_at = now() WHERE id = $1;

UPDATE files SET visibility = 'public', updated_at = now() WHERE id = $1;

DELETE FROM files WHERE id = $1;

-- Renditions still missing for a file (thumbnail worker).
SELECT k.kind
FROM unnest(ARRAY['thumbnail', 'preview']) AS k (kind)
WHERE NOT EXISTS (
    SELECT 1 FROM assets AS a WHERE a.file_id = $1 AND a.kind = k.kind
);
