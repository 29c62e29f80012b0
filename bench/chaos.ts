// npm run chaos: settlements of every scenario on a fresh stack (data/chaos, free ports) while
// the worker, listener, API, webhook dispatcher and PostgreSQL are killed with SIGKILL at
// random moments; then every settlement, trail, deposit, token unit and webhook is checked.
// Exits non-zero on any violation. See bench/chaos/run.ts.
//
//   npm run chaos -- [--settlements 200] [--minutes 10] [--seed N] [--kill-every 20]

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
  },
});

const report = await runChaos({
  settlements: Number(values.settlements),
  minutes: Number(values.minutes),
  seed: Number(values.seed),
  killEverySeconds: Number(values['kill-every']),
  dataDir: join(ROOT, 'data', 'chaos'),
  say: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`\n${formatReport(report)}\n`);
process.exit(report.failures.length || report.violations.length ? 1 : 0);
