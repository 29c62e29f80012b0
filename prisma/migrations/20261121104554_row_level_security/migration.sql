-- Row-level security: a second wall behind the tenant filter in every query. Hand-written,
-- because Prisma's schema cannot state policies. A session that takes the role
-- lockstep_tenant (SET LOCAL ROLE, db/tenant.ts) sees only the rows of the platform
-- environment in app.platform_id and app.environment; with neither set it sees nothing.
-- The owner (the migration and the worker, listener and dispatcher, which serve every
-- tenant) is not subject to it: ENABLE, not FORCE.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lockstep_tenant') THEN
    CREATE ROLE lockstep_tenant NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO lockstep_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO lockstep_tenant;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO lockstep_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lockstep_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO lockstep_tenant;

CREATE FUNCTION lockstep_is_tenant(platform uuid, env text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT platform = nullif(current_setting('app.platform_id', true), '')::uuid AND env = current_setting('app.environment', true) $$;

-- Rows that carry their tenant.
ALTER TABLE "settlements" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "settlements" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "webhook_endpoints" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "webhook_endpoints" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "webhook_events" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "webhook_events" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "screening_suppressions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "screening_suppressions" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "screening_policies" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "screening_policies" USING (lockstep_is_tenant(platform_id, environment));
ALTER TABLE "activity_log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "activity_log" USING (lockstep_is_tenant(platform_id, environment));
-- Built-in templates (no platform) are everyone's.
ALTER TABLE "settlement_templates" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "settlement_templates" USING (platform_id IS NULL OR lockstep_is_tenant(platform_id, environment))
  WITH CHECK (lockstep_is_tenant(platform_id, environment));

-- Rows that belong to one of those: visible when their parent is.
ALTER TABLE "parties" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "parties" USING (EXISTS (SELECT 1 FROM "settlements" s WHERE s.id = settlement_id));
ALTER TABLE "legs" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "legs" USING (EXISTS (SELECT 1 FROM "settlements" s WHERE s.id = settlement_id));
ALTER TABLE "settlement_events" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "settlement_events" USING (EXISTS (SELECT 1 FROM "settlements" s WHERE s.id = settlement_id));
ALTER TABLE "webhook_deliveries" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "webhook_deliveries" USING (EXISTS (SELECT 1 FROM "webhook_endpoints" e WHERE e.id = endpoint_id));
ALTER TABLE "webhook_attempts" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "webhook_attempts" USING (EXISTS (SELECT 1 FROM "webhook_deliveries" d WHERE d.id = delivery_id));
ALTER TABLE "screening_suppression_events" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "screening_suppression_events" USING (EXISTS (SELECT 1 FROM "screening_suppressions" s WHERE s.id = suppression_id));
