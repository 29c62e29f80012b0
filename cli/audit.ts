// `lockstep activity` and `lockstep trail verify`: who did what, and whether a settlement's trail is intact.

import { findActivity } from '../db/activity.ts';
import { verifyTrail } from '../db/auditTrail.ts';
import { presentActivity } from '../operations/present.ts';
import type { CommandRunners } from './commands.ts';
import { withDb } from './db.ts';
import { parse, print, UsageError, wholeNumber } from './options.ts';

export const commands = {
  activity: async (args) => {
    const { values } = parse(args, {
      platform: { type: 'string' },
      environment: { type: 'string', default: 'sandbox' },
      client: { type: 'string' },
      user: { type: 'string' },
      failures: { type: 'boolean', default: false },
      limit: { type: 'string', default: '50' },
    });
    const limit = wholeNumber(values.limit, '--limit', { min: 1, max: 1000 });
    const page = await withDb(async (db) => {
      const platform = values.platform ? await db.platform.findUnique({ where: { name: values.platform } }) : undefined;
      if (values.platform && !platform) throw new Error(`no platform ${values.platform}`);
      const { items, total } = await findActivity(db, {
        platformId: platform?.id,
        environment: platform ? values.environment : undefined,
        clientId: values.client,
        userId: values.user,
        failures: values.failures,
        limit,
        offset: 0,
      });
      return { items: items.map(presentActivity), total };
    });
    print(page);
  },
  'trail verify': async (args) => {
    const [settlementId] = parse(args, {}, { positionals: true }).positionals;
    if (!settlementId) throw new UsageError('a settlement id is required');
    const events = await withDb((db) => db.settlementEvent.findMany({ where: { settlementId } }));
    if (!events.length) throw new Error(`settlement ${settlementId} has no events`);
    const verdict = verifyTrail(events);
    print({ settlement_id: settlementId, ...verdict });
    if (!verdict.valid) process.exitCode = 1;
  },
} satisfies CommandRunners;
