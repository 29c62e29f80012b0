// One settlement: parties, legs with their deposits and instructions, the audit trail and
// its verification, the workflow in Temporal's Web UI. While open it asks the events feed
// every 2 s, and the settlement again when a new event arrived: a state change shows
// without a reload.

import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import { ComplianceDecision } from '../components/ComplianceDecision.tsx';
import { awaitsDecision, mayDecide } from '../decision.ts';
import { Legs } from '../components/Legs.tsx';
import { Parties } from '../components/Parties.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { VerifyTrail } from '../components/VerifyTrail.tsx';
import type { OfficeUser, Page, Settlement, SettlementEvent } from '../types.ts';

const POLL_MS = 2000;
/** The route's largest page; a trail is a dozen events. */
const EVENTS_PAGE = 200;

export function SettlementPage({ id, user }: { id: string; user: OfficeUser }) {
  const [settlement, setSettlement] = useState<Settlement | null>(null);
  const [events, setEvents] = useState<SettlementEvent[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let seen = -1;
    let stopped = false;
    const refresh = async () => {
      try {
        const feed = await call<Page<SettlementEvent>>('GET', `/v1/settlements/${id}/events?limit=${EVENTS_PAGE}`);
        if (stopped || feed.total === seen) return;
        const current = await call<Settlement>('GET', `/v1/settlements/${id}`);
        if (stopped) return;
        seen = feed.total;
        setEvents(feed.items);
        setSettlement(current);
        setError(null);
      } catch (err) {
        if (!stopped) setError(err instanceof Error ? err.message : String(err));
      }
    };
    void refresh();
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
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
