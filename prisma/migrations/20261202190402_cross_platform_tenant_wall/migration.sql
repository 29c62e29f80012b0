-- A cross-platform settlement behind the tenant wall (hand-written, as tenant_wall): its
-- counterparty platform environment reads it, and through it (the policies of parties, legs
-- and settlement_events look up the settlement) its parties, legs and trail. Reading only:
-- the tenant role inserts a settlement under the `tenant` policy alone, and updates none.
CREATE POLICY counterparty ON "settlements" FOR SELECT
  USING (lockstep_is_tenant(counterparty_platform_id, counterparty_environment));
