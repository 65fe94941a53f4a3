-- DELIBERATELY FLAWED copy of examples/multitenant: each "FLAW" comment names the rule that
-- reports it. Do not use this schema.
--
-- 001: tenants, users and memberships.
--
-- Every tenant-scoped table carries tenant_id, has row-level security enabled AND forced, and
-- filters on (SELECT current_setting('app.tenant_id')::bigint): the application runs
-- `SET LOCAL app.tenant_id = '...'` (and app.user_id) at the start of each request's
-- transaction. Users are global: they are keyed by the identity provider's id (Clerk's
-- "user_2abc..."), and one user can belong to several tenants through tenant_members.

BEGIN;

CREATE TABLE tenants (
    id bigint GENERATED ALWAYS AS IDENTITY,
    slug text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_tenants PRIMARY KEY (id),
    CONSTRAINT uq_tenants__slug UNIQUE (slug),
    CONSTRAINT ck_tenants__slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);
COMMENT ON TABLE tenants IS 'Customer organisations: the unit of isolation for every tenant table.';
COMMENT ON COLUMN tenants.id IS 'Tenant id; the value of the app.tenant_id setting.';
COMMENT ON COLUMN tenants.slug IS 'URL name of the tenant (acme-corp).';
COMMENT ON COLUMN tenants.name IS 'Display name.';
COMMENT ON COLUMN tenants.created_at IS 'When the tenant signed up.';
COMMENT ON CONSTRAINT pk_tenants ON tenants IS 'Tenant identity.';
COMMENT ON CONSTRAINT uq_tenants__slug ON tenants IS 'One tenant per URL name.';
COMMENT ON CONSTRAINT ck_tenants__slug_format ON tenants IS 'Lower-case letters, digits and dashes, 2 to 63 characters.';

CREATE POLICY tenants_isolation ON tenants
    USING (id = (SELECT current_setting('app.tenant_id')::bigint));
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;

CREATE TABLE users (
    id text NOT NULL,
    email text NOT NULL,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users__email UNIQUE (email),
    CONSTRAINT ck_users__id_format CHECK (id ~ '^user_[A-Za-z0-9]+$')
);
COMMENT ON TABLE users IS 'People, keyed by the identity provider''s user id; global, not tenant-scoped.';
COMMENT ON COLUMN users.id IS 'The identity provider''s user id (Clerk: user_2abc...).';
COMMENT ON COLUMN users.email IS 'Primary e-mail address, as verified by the identity provider.';
COMMENT ON COLUMN users.display_name IS 'Name shown in the UI, if the user set one.';
COMMENT ON COLUMN users.created_at IS 'First sign-in.';
COMMENT ON CONSTRAINT pk_users ON users IS 'User identity from the identity provider.';
COMMENT ON CONSTRAINT uq_users__email ON users IS 'One account per e-mail address.';
COMMENT ON CONSTRAINT ck_users__id_format ON users IS 'Identity-provider ids look like user_ followed by letters and digits.';

CREATE TABLE tenant_members (
    tenant_id bigint NOT NULL,
    user_id text NOT NULL,
    role text NOT NULL DEFAULT 'member',
    created_at timestamptz NOT NULL DEFAULT now(),
    -- FLAW (rls-policy-column-unindexed, fk-missing-index): the key leads with user_id, so no
    -- index leads with tenant_id: the RLS filter and the tenants foreign key have no index.
    CONSTRAINT pk_tenant_members PRIMARY KEY (user_id, tenant_id),
    CONSTRAINT fk_tenant_members__tenants FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT fk_tenant_members__users FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE ON UPDATE NO ACTION,
    CONSTRAINT ck_tenant_members__role CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);
COMMENT ON TABLE tenant_members IS 'Which users belong to which tenant, and with which role.';
COMMENT ON COLUMN tenant_members.tenant_id IS 'The tenant.';
COMMENT ON COLUMN tenant_members.user_id IS 'The member.';
COMMENT ON COLUMN tenant_members.role IS 'owner, admin, member or viewer.';
COMMENT ON COLUMN tenant_members.created_at IS 'When the user joined the tenant.';
COMMENT ON CONSTRAINT pk_tenant_members ON tenant_members IS 'A user is a member of a tenant once.';
COMMENT ON CONSTRAINT fk_tenant_members__tenants ON tenant_members IS 'Memberships go with their tenant.';
COMMENT ON CONSTRAINT fk_tenant_members__users ON tenant_members IS 'Memberships go with their user.';
COMMENT ON CONSTRAINT ck_tenant_members__role ON tenant_members IS 'The roles the application knows.';

-- FLAW (redundant-index): the primary key (user_id, tenant_id) already starts with user_id.
CREATE INDEX ix_tenant_members__user_id ON tenant_members (user_id);
COMMENT ON INDEX ix_tenant_members__user_id IS 'The tenant switcher (tenants of a user) and the users foreign key.';

CREATE POLICY tenant_members_isolation ON tenant_members
    USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
ALTER TABLE tenant_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_members FORCE ROW LEVEL SECURITY;

COMMIT;
