import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES } from '../../access/scopes.ts';
import { awaitsDecision, mayDecide } from './decision.ts';
import type { SettlementEvent } from './types.ts';

const event = (triggered_by: string) => ({ triggered_by }) as SettlementEvent;

describe('a compliance decision on the detail page', () => {
  it('is asked for only while the last event is the flagged screening', () => {
    expect(awaitsDecision([event('api'), event('action:noop'), event('compliance:flagged')])).toBe(true);
    expect(awaitsDecision([event('compliance:flagged'), event('compliance:decision')])).toBe(false);
    expect(awaitsDecision([])).toBe(false);
  });

  it("is offered to the roles whose scopes the route takes: a Manager's and an Administrator's, never a Viewer's", () => {
    expect([mayDecide([...ROLE_SCOPES.viewer]), mayDecide([...ROLE_SCOPES.manager]), mayDecide([...ROLE_SCOPES.administrator])]).toEqual([false, true, true]);
  });
});
