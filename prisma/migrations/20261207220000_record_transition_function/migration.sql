-- A settlement's transition recorded in one statement (db/transitionWrites.ts): its trail event,
-- the webhook events it raises with a delivery per subscribed endpoint, and the settlement's
-- state. One round trip and atomic, where Prisma's interactive transaction took eight and was
-- most of the worker's database time. The event is written once: a retry finds it, writes
-- no webhook events again, and gets the stored event back to compare with its own; a
-- different event stored there (a divergence the caller refuses) leaves the state alone too.
-- Webhook events take their seq in the order given (a compliance event before its state's).
-- Deliveries to an endpoint removed since the caller read it are left out. Rows come as JSON
-- with the columns' names, timestamps in UTC. Only the owner (the worker) records transitions.
-- Hand-written.
CREATE FUNCTION lockstep_record_transition(t jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  e settlement_events := jsonb_populate_record(NULL::settlement_events, t -> 'event');
  stored jsonb;
BEGIN
  INSERT INTO settlement_events (id, settlement_id, sequence, from_state, to_state, triggered_by, payload, content_hash, created_at)
    VALUES (gen_random_uuid(), e.settlement_id, e.sequence, e.from_state, e.to_state, e.triggered_by, e.payload, e.content_hash, e.created_at)
    ON CONFLICT (settlement_id, sequence) DO NOTHING;
  IF FOUND THEN
    WITH queued AS (
      INSERT INTO webhook_events (id, platform_id, environment, settlement_id, type, body, created_at)
        SELECT w.id, w.platform_id, w.environment, w.settlement_id, w.type, w.body, w.created_at
        FROM jsonb_array_elements(t -> 'webhook_events') WITH ORDINALITY AS a(item, n)
        CROSS JOIN LATERAL jsonb_populate_record(NULL::webhook_events, a.item) w
        ORDER BY a.n
        RETURNING id, seq, settlement_id
    )
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_seq, settlement_id)
      SELECT gen_random_uuid(), d.endpoint_id, q.id, q.seq, q.settlement_id
      FROM queued q
      JOIN jsonb_to_recordset(t -> 'deliveries') AS d(event_id uuid, endpoint_id uuid) ON d.event_id = q.id
      JOIN webhook_endpoints ep ON ep.id = d.endpoint_id;
  ELSE
    SELECT to_jsonb(s) INTO stored FROM settlement_events s WHERE s.settlement_id = e.settlement_id AND s.sequence = e.sequence;
    IF (stored ->> 'from_state', stored ->> 'to_state', stored ->> 'triggered_by', stored -> 'payload')
        IS DISTINCT FROM (e.from_state, e.to_state, e.triggered_by, e.payload) THEN
      RETURN stored;
    END IF;
  END IF;
  UPDATE settlements
    SET state = e.to_state, state_sequence = e.sequence, updated_at = e.created_at, failure_reason = COALESCE(NULLIF(t ->> 'failure_reason', ''), failure_reason)
    WHERE id = e.settlement_id AND state_sequence < e.sequence;
  RETURN stored;
END
$$;
REVOKE EXECUTE ON FUNCTION lockstep_record_transition(jsonb) FROM PUBLIC;
