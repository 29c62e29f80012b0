-- The Web Office's users behind the tenant wall (hand-written, as tenant_wall): an
-- Administrator's user management runs as the tenant, which lists and creates its own users,
-- deactivates them and ends their sessions. Logging in, the session lookup, password and TOTP
-- changes are authentication and stay the owner's; the tenant cannot change a password hash,
-- a TOTP secret, a role or the lock-out counters.
ALTER TABLE "office_users" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "office_users" USING (lockstep_is_tenant(platform_id, environment));
GRANT SELECT, INSERT ON "office_users" TO lockstep_tenant;
GRANT UPDATE ("active", "deactivated_at") ON "office_users" TO lockstep_tenant;
ALTER TABLE "office_sessions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "office_sessions" USING (EXISTS (SELECT 1 FROM "office_users" u WHERE u.id = office_sessions.user_id));
GRANT SELECT, DELETE ON "office_sessions" TO lockstep_tenant;
