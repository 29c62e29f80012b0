// One settlement: parties, legs with their deposits and instructions, the audit trail and
// its verification, the workflow in Temporal's Web UI. While open it listens to the API's
// server-sent events for the settlement (/office/api/settlements/{id}/stream) and reads the
// trail and the settlement again when told of a new transition: a state change shows without
// a reload, and nothing is asked while nothing happens.

import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import { ComplianceDecision } from '../components/ComplianceDecision.tsx';
import { awaitsDecision, mayDecide } from '../decision.ts';
import { Legs } from '../components/Legs.tsx';
import { Parties } from '../components/Parties.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { VerifyTrail } from '../components/VerifyTrail.tsx';
import type { OfficeUser, Page, Settlement, SettlementEvent } from '../types.ts';

/** The route's largest page; a trail is a dozen events. */
const EVENTS_PAGE = 200;

export function SettlementPage({ id, user }: { id: string; user: OfficeUser }) {
  const [settlement, setSettlement] = useState<Settlement | null>(null);
  const [events, setEvents] = useState<SettlementEvent[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let seen = -1;
    let stopped = false;
    let stream: EventSource | undefined;
    /** Reads the trail, and the settlement when the trail grew; false when the API refused. */
    const read = async () => {
      try {
        const feed = await call<Page<SettlementEvent>>('GET', `/v1/settlements/${id}/events?limit=${EVENTS_PAGE}`);
        if (stopped || feed.total === seen) return true;
        const current = await call<Settlement>('GET', `/v1/settlements/${id}`);
        if (stopped) return true;
        seen = feed.total;
        setEvents(feed.items);
        setSettlement(current);
        setError(null);
        return true;
      } catch (err) {
        if (!stopped) setError(err instanceof Error ? err.message : String(err));
        return false;
      }
    };
    // One read at a time, in the order they were asked: a slow read of an older trail finishing
    // after a newer one would otherwise show the older, and no later news would correct it.
    let reads = Promise.resolve(true);
    const refresh = () => (reads = reads.then(read));
    // Listened to once the settlement was read: one the user cannot see opens no stream.
    void refresh().then((ok) => {
      if (!ok || stopped) return;
      stream = new EventSource(`/office/api/settlements/${id}/stream`);
      stream.addEventListener('change', () => void refresh());
      // A stream that ends is opened again by the browser; one refused (the session ended) stays
      // closed, and the read that follows finds out why.
      stream.onerror = () => void (stream!.readyState === EventSource.CLOSED && refresh());
    });
    return () => {
      stopped = true;
      stream?.close();
    };
  }, [id]);

  if (!settlement) return error ? <p role="alert" className="error">{error}</p> : <p className="loading">Loading…</p>;
  return (
    <article aria-labelledby="settlement-title">
      <h1 id="settlement-title">Settlement {settlement.id}</h1>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <span className="state" data-testid="state">
            {settlement.state}
          </span>
        </dd>
        <dt>Type</dt>
        <dd>{settlement.settlement_type}</dd>
        <dt>Reference</dt>
        <dd>{settlement.external_reference ?? '—'}</dd>
        <dt>Times out</dt>
        <dd>{new Date(settlement.timeout_at).toLocaleString()}</dd>
        {settlement.failure_reason && (
          <>
            <dt>Failure</dt>
            <dd>{settlement.failure_reason}</dd>
          </>
        )}
        <dt>Escrow</dt>
        <dd>
          <code>{settlement.escrow.contract_address}</code> on chain {settlement.escrow.chain_id}, id <code>{settlement.escrow.escrow_id}</code>
        </dd>
        <dt>Workflow</dt>
        <dd>
          <a href={settlement.workflow.ui_url} target="_blank" rel="noreferrer">
            {settlement.workflow.id} in Temporal's Web UI
          </a>
        </dd>
      </dl>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {mayDecide(user.scopes) && awaitsDecision(events) && <ComplianceDecision id={settlement.id} />}
      <Parties parties={settlement.parties} />
      <Legs legs={settlement.legs} />
      <Timeline events={events} />
      <VerifyTrail id={settlement.id} />
    </article>
  );
}
