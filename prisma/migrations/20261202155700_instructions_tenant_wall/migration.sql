-- Instructions behind the tenant wall (hand-written, as tenant_wall): a tenant sees and
-- changes only its own; it submits (an insert), matches (status, settlement) and cancels.
ALTER TABLE "instructions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "instructions" USING (lockstep_is_tenant(platform_id, environment));
GRANT SELECT, INSERT ON "instructions" TO lockstep_tenant;
GRANT UPDATE ("status", "settlement_id", "updated_at") ON "instructions" TO lockstep_tenant;
