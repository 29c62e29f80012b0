import { describe, expect, it } from 'vitest';
import { transitionEvents } from './outbox.ts';

const own = { platformId: 'p-own', environment: 'sandbox' };
const other = { platformId: 'p-other', environment: 'production' };
const settlement = { id: 's-1', ...own, counterpartyPlatformId: other.platformId, counterpartyEnvironment: other.environment, settlementType: 'cross_platform' };
const createdAt = new Date('2026-12-07T12:00:00.000Z');
const cleared = { fromState: 'SCREENING', toState: 'AWAITING_DEPOSITS', triggeredBy: 'action:screen', payload: { screening: { outcome: 'cleared' } }, createdAt };

describe('transitionEvents', () => {
  it('gives each platform environment of the settlement its own events, delivered to its own subscribed endpoints only', () => {
    const endpoints = [
      { id: 'e-all', ...own, events: ['*'] },
      { id: 'e-states', ...own, events: ['settlement.state.*'] },
      { id: 'e-other', ...other, events: ['compliance.*'] },
      { id: 'e-elsewhere', platformId: 'p-third', environment: 'sandbox', events: ['*'] },
    ];
    const events = transitionEvents(settlement, cleared, endpoints);
    expect(events.map((e) => [e.platformId, e.type, e.endpointIds])).toEqual([
      ['p-own', 'settlement.compliance.cleared', ['e-all']],
      ['p-own', 'settlement.state.awaiting_deposits', ['e-all', 'e-states']],
      ['p-other', 'settlement.compliance.cleared', ['e-other']],
      ['p-other', 'settlement.state.awaiting_deposits', []],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ settlementId: 's-1', createdAt, body: { id: e.id, event: e.type, data: { settlement_id: 's-1', state: 'AWAITING_DEPOSITS', previous_state: 'SCREENING', settlement_type: 'cross_platform', timestamp: '2026-12-07T12:00:00.000Z' } } });
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('gives nothing for a transition that announces nothing, and only the own platform of a single-platform settlement', () => {
    const single = { ...settlement, counterpartyPlatformId: null, counterpartyEnvironment: null, settlementType: 'single_platform' };
    expect(transitionEvents(single, { ...cleared, fromState: 'AWAITING_DEPOSITS', payload: {} }, [])).toEqual([]);
    expect(transitionEvents(single, cleared, []).map((e) => e.platformId)).toEqual(['p-own', 'p-own']);
  });
});
