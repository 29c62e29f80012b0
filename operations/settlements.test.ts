import { describe, expect, it } from 'vitest';
import type { Models } from '../db/client.ts';
import { DVP_STANDARD } from '../domain/template.ts';
import { findStuck } from './settlements.ts';

describe('findStuck', () => {
  it('leaves the paging to the database, with terminal states filtered there per template version', async () => {
    const asked: { findMany?: Record<string, unknown> } = {};
    const old = new Date(Date.now() - 3_600_000);
    const row = (i: number) => ({ id: `s${i}`, state: 'AWAITING_DEPOSITS', timeoutAt: new Date(Date.now() + 60_000), updatedAt: old, templateId: DVP_STANDARD.id, templateVersion: 1 });
    const db = {
      settlement: {
        groupBy: async () => [{ templateId: DVP_STANDARD.id, templateVersion: 1 }],
        async findMany(args: Record<string, unknown>) {
          asked.findMany = args;
          return [row(5), row(6)];
        },
        count: async () => 1000,
      },
      settlementTemplate: {
        findUniqueOrThrow: async () => ({ ...DVP_STANDARD, config: DVP_STANDARD.config, platformId: null, environment: null, description: null, createdAt: new Date(0) }),
      },
    } as unknown as Models;
    const page = await findStuck(db, { platformId: 'p', environment: 'sandbox' }, 30 * 60_000, { limit: 2, offset: 5 });
    expect(page.total).toBe(1000);
    expect(page.items.map((s) => s.id)).toEqual(['s5', 's6']);
    expect(page.items[0]!.reason).toBe('no transition for 60 minutes');
    expect(asked.findMany).toMatchObject({ skip: 5, take: 2 });
    expect(JSON.stringify(asked.findMany!.where)).toContain(JSON.stringify({ notIn: DVP_STANDARD.config.terminal_states }));
  });

  it('answers a page of the same shape when nothing is stuck, without asking for rows', async () => {
    const db = { settlement: { groupBy: async () => [] } } as unknown as Models;
    const query = { limit: 10, offset: 0, idle_minutes: 1 }; // the route's query, which is more than a window
    expect(await findStuck(db, undefined, 60_000, query)).toEqual({ items: [], total: 0, limit: 10, offset: 0 });
  });
});
