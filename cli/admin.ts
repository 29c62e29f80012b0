// `lockstep admin ...`: the operator tools (operations/settlements.ts) against the configured
// database and Temporal, across every platform (the API's admin routes are limited to the caller's).

import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config.ts';
import { TEMPORAL_CONNECTION_KEYS, temporalConnectionOptions } from '../config/temporalConnection.ts';
import { createDb } from '../db/client.ts';
import { cancelSettlement, findStuck, forceRollback, type OperationDeps } from '../operations/settlements.ts';
import { cliEnv } from '../stack/manifest.ts';
import type { CommandRunners } from './commands.ts';
import { parse, print, UsageError, wholeNumber } from './options.ts';

const OPERATOR = 'cli-operator';

/** The operations' dependencies for one command, closed afterwards whether it succeeded or not. */
async function withOperations<T>(work: (deps: OperationDeps) => Promise<T>): Promise<T> {
  const config = loadConfig(cliEnv(), ['DATABASE_URL', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', ...TEMPORAL_CONNECTION_KEYS]);
  const db = createDb(config.DATABASE_URL);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    return await work({ db, temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), taskQueue: config.TEMPORAL_TASK_QUEUE });
  } finally {
    await connection.close();
    await db.$disconnect();
  }
}

/** cancel and force-rollback: a settlement id and a reason. */
const operation =
  (operate: typeof cancelSettlement | typeof forceRollback) =>
  async (args: string[]): Promise<void> => {
    const { values, positionals } = parse(args, { reason: { type: 'string', default: '' } }, { positionals: true });
    const [id] = positionals;
    if (!id) throw new UsageError('a settlement id is required');
    print({ id, outcome: await withOperations((deps) => operate(deps, undefined, id, values.reason, OPERATOR)) });
  };

export const commands = {
  'admin stuck': async (args) => {
    const { values } = parse(args, { 'idle-minutes': { type: 'string', default: '60' }, limit: { type: 'string', default: '1000' } });
    const idleMinutes = wholeNumber(values['idle-minutes'], '--idle-minutes', { min: 1, max: 100_000 });
    const limit = wholeNumber(values.limit, '--limit', { min: 1, max: 10_000 });
    print(await withOperations(({ db }) => findStuck(db, undefined, idleMinutes * 60_000, { limit, offset: 0 })));
  },
  'admin cancel': operation(cancelSettlement),
  'admin force-rollback': operation(forceRollback),
} satisfies CommandRunners;
