import { describe, expect, it } from 'vitest';
import type { Models } from './client.ts';
import { listTemplates } from './templates.ts';

/** A template table of `count` templates that records what it is asked, so the test sees where paging happens. */
function recordingTable(count: number) {
  const asked: Record<string, unknown>[] = [];
  const row = (i: number, version: number) => ({ id: `t${i}`, version, slug: `slug-${i}`, name: `T${i} v${version}`, description: null, config: {}, platformId: null, environment: null, createdAt: new Date(0) });
  const settlementTemplate = {
    async findMany(args: { skip?: number; take?: number; where: unknown; select?: unknown }) {
      asked.push(args);
      if (args.select) return Array.from({ length: count }, (_, i) => ({ id: `t${i}` })).slice(args.skip, (args.skip ?? 0) + (args.take ?? count));
      const ids = (args.where as { id: { in: string[] } }).id.in;
      return ids.map((id) => row(Number(id.slice(1)), 2));
    },
    count: async () => count,
  };
  return { db: { settlementTemplate } as unknown as Models, asked };
}

describe('listTemplates', () => {
  it('has the database page the templates, and reads only the page\'s latest versions', async () => {
    const { db, asked } = recordingTable(500);
    const page = await listTemplates(db, { platformId: 'p', environment: 'sandbox' }, { limit: 10, offset: 20 });
    expect(page.total).toBe(500);
    expect(page.items.map((t) => [t.id, t.version])).toEqual(Array.from({ length: 10 }, (_, i) => [`t${20 + i}`, 2]));
    expect(asked[0]).toMatchObject({ skip: 20, take: 10 });
    expect((asked[1]!.where as { id: { in: string[] } }).id.in).toHaveLength(10);
  });
});
