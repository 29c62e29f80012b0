-- The tenant wall, completed (hand-written, as row_level_security). The API now does all of a
-- tenant's reads and writes as lockstep_tenant (db/tenant.ts), so:
-- 1. the tenant role gets no table by default: a table made later is closed to it until its
--    migration grants it with a policy (test/e2e/rowLevelSecurity.test.ts checks every table);
-- 2. what is the deployment's, not a tenant's, is closed to it; shared reference data
--    (instruments) is read-only;
-- 3. clients, their tokens, platforms and environments get policies too.

ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM lockstep_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM lockstep_tenant;

REVOKE ALL ON "_prisma_migrations", "signing_keys", "rate_limit_windows", "chain_cursors", "chain_logs",
  "sanctions_refresh_requests", "sanctions_list_loads" FROM lockstep_tenant;
REVOKE INSERT, UPDATE, DELETE ON "instruments" FROM lockstep_tenant;

ALTER TABLE "platforms" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "platforms" USING (id = nullif(current_setting('app.platform_id', true), '')::uuid);
ALTER TABLE "environments" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "environments" USING (lockstep_is_tenant(platform_id, name));
ALTER TABLE "api_clients" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "api_clients" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "access_tokens" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "access_tokens" USING (EXISTS (SELECT 1 FROM "api_clients" c WHERE c.client_id = access_tokens.client_id));
