-- Every API process keeps verified tokens for up to a second (api/auth/tokens.ts) and forgets
-- them all when told on channel lockstep_auth that a token, a client or an environment changed:
-- a revocation, a deactivation, a rotated secret or a refreshed token is seen by every process
-- at once, whichever process or person made it. Hand-written; changes to these rows are rare.
CREATE FUNCTION lockstep_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lockstep_auth', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

CREATE TRIGGER auth_changed AFTER UPDATE OR DELETE ON "access_tokens" FOR EACH STATEMENT EXECUTE FUNCTION lockstep_auth_changed();
CREATE TRIGGER auth_changed AFTER UPDATE OR DELETE ON "api_clients" FOR EACH STATEMENT EXECUTE FUNCTION lockstep_auth_changed();
CREATE TRIGGER auth_changed AFTER UPDATE OR DELETE ON "environments" FOR EACH STATEMENT EXECUTE FUNCTION lockstep_auth_changed();
