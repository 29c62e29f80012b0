-- Every API process keeps the latest version a template name finds for up to a minute
-- (db/templates.ts) and forgets them all when told on channel lockstep_templates that a template
-- was created or published, whichever process or person did it. Hand-written, like the auth
-- channel's trigger (20261203120000); templates change rarely.
CREATE FUNCTION lockstep_templates_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lockstep_templates', TG_OP);
  RETURN NULL;
END
$$;

CREATE TRIGGER templates_changed AFTER INSERT OR UPDATE OR DELETE ON "settlement_templates" FOR EACH STATEMENT EXECUTE FUNCTION lockstep_templates_changed();
