import { describe, expect, it } from 'vitest';
import { contentHash, verifyTrail, type TrailEvent } from './auditTrail.ts';

function chain(n: number) {
  const events: (TrailEvent & { contentHash: string | null })[] = [];
  let previous: string | null = null;
  for (let sequence = 1; sequence <= n; sequence++) {
    const e: TrailEvent = {
      settlementId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      sequence,
      fromState: sequence === 1 ? null : `S${sequence - 1}`,
      toState: `S${sequence}`,
      triggeredBy: 'test',
      payload: { b: 1, a: [sequence] },
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)),
    };
    previous = contentHash(previous, e);
    events.push({ ...e, contentHash: previous });
  }
  return events;
}

describe('audit trail hash chain', () => {
  it('verifies an untouched trail, whatever order the rows come in', () => {
    expect(verifyTrail(chain(5))).toEqual({ valid: true, events: 5, first_broken: null });
    expect(verifyTrail(chain(5).reverse()).valid).toBe(true);
  });

  it('hashes payloads independently of key order', () => {
    const [e] = chain(1);
    expect(contentHash(null, { ...e!, payload: { a: [1], b: 1 } })).toBe(e!.contentHash);
  });

  it('names the edited event', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, payload: { b: 2, a: [3] } };
    expect(verifyTrail(events)).toMatchObject({ valid: false, first_broken: { sequence: 3 } });
  });

  it('names the removed event', () => {
    const events = chain(5).filter((e) => e.sequence !== 4);
    expect(verifyTrail(events)).toMatchObject({ valid: false, first_broken: { sequence: 4, reason: expect.stringMatching(/missing/) } });
  });

  it('names the first of two swapped events', () => {
    const events = chain(5);
    const [two, three] = [events[1]!, events[2]!];
    events[1] = { ...three, sequence: 2 };
    events[2] = { ...two, sequence: 3 };
    expect(verifyTrail(events)).toMatchObject({ valid: false, first_broken: { sequence: 2 } });
  });
});
