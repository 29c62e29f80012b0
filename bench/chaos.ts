// npm run chaos: settlements of every scenario on a fresh stack (data/chaos, free ports) while
// the worker, listener, API, webhook dispatcher and PostgreSQL are killed with SIGKILL at
// random moments; then every settlement, trail, deposit, token unit and webhook is checked.
// Exits non-zero on any violation. See bench/chaos/run.ts.
//
//   npm run chaos -- [--settlements 200] [--minutes 10] [--seed N] [--kill-every 20] [--workers 1]

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../config/paths.ts';
import { formatReport, runChaos } from './chaos/run.ts';

const { values } = parseArgs({
  options: {
    settlements: { type: 'string', default: '200' },
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'kill-every': { type: 'string', default: '20' },
    workers: { type: 'string', default: '1' },
  },
});

const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a whole number of at least 1, not "${values.workers}"`);

const report = await runChaos({
  settlements: Number(values.settlements),
  minutes: Number(values.minutes),
  seed: Number(values.seed),
  killEverySeconds: Number(values['kill-every']),
  workers,
  dataDir: join(ROOT, 'data', 'chaos'),
  say: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`\n${formatReport(report)}\n`);
process.exit(report.failures.length || report.violations.length ? 1 : 0);
