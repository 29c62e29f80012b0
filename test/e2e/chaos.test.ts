// A short chaos run (bench/chaos/run.ts) in npm test: its own stack in data/chaos-test, since
// it kills PostgreSQL and the services, not the shared one the other files use. Two workers,
// so the signer's lock changes hands under the kills (worker/signer.ts).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, runChaos } from '../../bench/chaos/run.ts';
import { ROOT } from '../../config/paths.ts';

describe('chaos', () => {
  it('ends every settlement as its scenario expects while processes are killed', { timeout: 15 * 60_000 }, async () => {
    const report = await runChaos({
      settlements: 20,
      minutes: 2,
      seed: 1,
      killEverySeconds: 8,
      workers: 2,
      dataDir: join(ROOT, 'data', 'chaos-test'),
      say: (line) => process.env.LOCKSTEP_TEST_LOGS === '1' && process.stdout.write(`[chaos] ${line}\n`),
    });
    process.stdout.write(`${formatReport(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(Object.values(report.settlements).reduce((a, b) => a + b, 0)).toBe(20);
    // Every process was killed at least once, and the supervisor brought each back every time.
    for (const name of ['worker', 'worker-2', 'listener', 'api', 'webhooks', 'postgres']) {
      expect(report.kills[name], name).toBeGreaterThan(0);
      expect(report.restarts[name], name).toBeGreaterThanOrEqual(report.kills[name]!);
    }
  });
});
