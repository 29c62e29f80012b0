-- A new settlement with its parties and legs in one statement, so a create is one round trip
-- (db/settlementWrites.ts). The parties' and legs' row-level security policies look their
-- settlement up, which a single INSERT's later rows could not see; a function's statements
-- run one after another and see each other. It runs as its caller (SECURITY INVOKER), so the
-- tenant role's policies hold as for any other write. Rows come as JSON with the columns'
-- names, timestamps in UTC. Answers false, writing nothing, when the idempotency key is taken.
-- Hand-written.
CREATE FUNCTION lockstep_insert_settlement(s jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO settlements SELECT * FROM jsonb_populate_record(NULL::settlements, s - 'parties' - 'legs')
    ON CONFLICT (platform_id, environment, idempotency_key) DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO parties SELECT * FROM jsonb_populate_recordset(NULL::parties, s -> 'parties');
  INSERT INTO legs SELECT * FROM jsonb_populate_recordset(NULL::legs, s -> 'legs');
  RETURN true;
END
$$;
