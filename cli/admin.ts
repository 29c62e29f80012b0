// `lockstep admin ...`: the operator tools against the configured database and Temporal,
// across every platform (the API's admin routes are limited to the caller's).

import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { cancelSettlement, findStuck, forceRollback } from '../operations/settlements.ts';
import { loadConfig } from '../config/config.ts';
import { TEMPORAL_CONNECTION_KEYS, temporalConnectionOptions } from '../config/temporalConnection.ts';
import { createDb } from '../db/client.ts';
import { cliEnv } from '../stack/manifest.ts';

const OPERATOR = 'cli-operator';

export async function runAdmin(command: string, args: string[]): Promise<void> {
  const config = loadConfig(cliEnv(), ['DATABASE_URL', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', ...TEMPORAL_CONNECTION_KEYS]);
  const db = createDb(config.DATABASE_URL);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const deps = { db, temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), taskQueue: config.TEMPORAL_TASK_QUEUE };
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'idle-minutes': { type: 'string', default: '60' }, reason: { type: 'string', default: '' } },
    });
    const [id] = positionals;
    if (command === 'stuck') print(await findStuck(db, undefined, Number(values['idle-minutes']) * 60_000, { limit: 1000, offset: 0 }));
    else if (command === 'cancel' && id) print({ id, outcome: await cancelSettlement(deps, undefined, id, values.reason, OPERATOR) });
    else if (command === 'force-rollback' && id) print({ id, outcome: await forceRollback(deps, undefined, id, values.reason, OPERATOR) });
    else throw new Error(`unknown admin command or missing settlement id: ${[command, ...args].join(' ')}`);
  } finally {
    await connection.close();
    await db.$disconnect();
  }
}
