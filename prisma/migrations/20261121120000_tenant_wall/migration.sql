-- The tenant wall, completed (hand-written, as row_level_security). The API now does all of a
-- tenant's reads and writes as lockstep_tenant (db/tenant.ts), so:
-- 1. the tenant role gets no table by default: a table made later is closed to it until its
--    migration grants it with a policy (test/e2e/rowLevelSecurity.test.ts checks every table);
-- 2. what is the deployment's, not a tenant's, is closed to it; shared reference data
--    (instruments) is read-only;
-- 3. clients, their tokens, platforms and environments get policies too;
-- 4. the role may do only what the API does for a tenant: the trail, the activity log and
--    built-in templates cannot be changed through it, nor a client's scopes, nor a platform.

ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM lockstep_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM lockstep_tenant;

REVOKE ALL ON "signing_keys", "rate_limit_windows", "chain_cursors", "chain_logs",
  "sanctions_refresh_requests", "sanctions_list_loads" FROM lockstep_tenant;
-- Prisma's own table exists when migrations are deployed, not when they are replayed into a
-- shadow database to compute a diff.
DO $$
BEGIN
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON "_prisma_migrations" FROM lockstep_tenant;
  END IF;
END
$$;
REVOKE INSERT, UPDATE, DELETE ON "instruments" FROM lockstep_tenant;

ALTER TABLE "platforms" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "platforms" USING (id = nullif(current_setting('app.platform_id', true), '')::uuid);
ALTER TABLE "environments" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "environments" USING (lockstep_is_tenant(platform_id, name));
ALTER TABLE "api_clients" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "api_clients" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "access_tokens" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "access_tokens" USING (EXISTS (SELECT 1 FROM "api_clients" c WHERE c.client_id = access_tokens.client_id));

-- 4. Least privilege: what the API's tenant routes do, and nothing more. (Deleting an endpoint
-- removes its deliveries by the foreign key's cascade, which runs as the owner.)
REVOKE ALL ON "settlements", "parties", "legs", "settlement_events", "settlement_templates",
  "screening_suppressions", "screening_suppression_events", "screening_policies",
  "webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_attempts", "activity_log",
  "platforms", "environments", "api_clients", "access_tokens", "instruments" FROM lockstep_tenant;
GRANT SELECT ON "settlement_events", "webhook_attempts", "activity_log", "platforms", "environments", "instruments" TO lockstep_tenant;
GRANT SELECT, INSERT ON "settlements", "parties", "legs", "settlement_templates", "screening_suppression_events",
  "webhook_events", "webhook_deliveries" TO lockstep_tenant;
GRANT SELECT, INSERT, UPDATE ON "screening_suppressions", "screening_policies" TO lockstep_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON "webhook_endpoints" TO lockstep_tenant;
GRANT SELECT, INSERT ON "api_clients" TO lockstep_tenant;
GRANT UPDATE ("secret_hash", "active", "allowed_ip_ranges", "permitted_endpoints", "allowed_wallets") ON "api_clients" TO lockstep_tenant;
GRANT SELECT ON "access_tokens" TO lockstep_tenant;
GRANT UPDATE ("revoked_at", "revoked_reason") ON "access_tokens" TO lockstep_tenant;
