// The escrow's invariants over random sequences of steps on the real contract (see model.ts,
// commands.ts, invariants.ts), and proof that the suite can fail: each deliberately broken build
// in mutants.ts must be caught, its failing sequence shrunk and printed for replay.

import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScratchAnvil } from '../../stack/anvil.ts';
import { AnvilRpc } from './anvil.ts';
import { compileMutants, MUTANTS } from './mutants.ts';
import { outcomeTable, runSuite } from './suite.ts';
import { deployWorld, type World } from './world.ts';

const SEED = 1;
const STEPS = 10_000;

/** A world on an anvil of its own, stopped afterwards. */
async function withWorld<T>(escrowBytecode: Hex | undefined, body: (world: World) => Promise<T>): Promise<T> {
  const { anvil, rpcUrl } = await startScratchAnvil('invariants-anvil');
  const rpc = new AnvilRpc(rpcUrl);
  try {
    return await body(await deployWorld(rpc, { escrowBytecode }));
  } finally {
    rpc.close();
    await anvil.stop();
  }
}

/** Outcomes the run must have met at least once: a generator that stops reaching one proves less without saying so. */
const MUST_MEET: [command: string, outcome: string][] = [
  ['register', 'ok'],
  ['register', 'InvalidTerms'],
  ['register', 'EscrowExists'],
  ['register', 'NotOperator'],
  ['registerAgain', 'ok'],
  ['deposit', 'ok'],
  ['deposit', 'NotDepositor'],
  ['deposit', 'DeadlinePassed'],
  ['deposit', 'AlreadyDeposited'],
  ['deposit', 'UnexpectedAmount'],
  ['deposit', 'SafeERC20FailedOperation'],
  ['deposit', 'Frozen'],
  ['settle', 'ok'],
  ['settle', 'DeadlinePassed'],
  ['settle', 'NotAllDeposited'],
  ['refund', 'ok'],
  ['refund', 'DeadlineNotPassed'],
  ['claimRefund', 'ok'],
  ['claimRefund', 'NothingOwed'],
  ['setOperator', 'ok'],
  ['setOperator', 'InvalidOperator'],
  // The ERC-3643 token: the escrow unverified or frozen, the token paused, an agent's forced transfer.
  ['deposit', 'Error("Transfer not possible")'],
  ['deposit', 'Error("wallet is frozen")'],
  ['deposit', 'Error("Pausable: Paused")'],
  ['settle', 'Error("Transfer not possible")'],
  ['forcedTransfer', 'ok'],
];

describe('LockstepEscrow invariants', () => {
  it(`hold after every one of ${STEPS} random steps (seed ${SEED})`, async () => {
    const result = await withWorld(undefined, (world) => runSuite(world, { seed: SEED, steps: STEPS }));
    console.log(`${result.stats.steps} steps in ${result.runs} runs, ${result.seconds.toFixed(1)} s\n${outcomeTable(result.stats)}`);
    if (!result.ok) expect.fail(result.report);
    expect(result.stats.steps).toBeGreaterThanOrEqual(STEPS);
    const missed = MUST_MEET.filter(([command, outcome]) => !result.stats.outcomes[command]?.[outcome]);
    expect(missed, 'outcomes no step met').toEqual([]);
    expect(result.stats.events.LegRefundFailed, 'refunds a token refused').toBeGreaterThan(0);
    expect(result.stats.reentryAttempts, 'calls back into the escrow').toBeGreaterThan(0n);
  }, 600_000);

  describe('catch a deliberately broken escrow', () => {
    let builds: Map<string, Hex>;
    beforeAll(() => {
      builds = compileMutants();
    }, 120_000);
    afterAll(() => builds?.clear());

    it.each(MUTANTS.map((m) => m.name))('%s', async (name) => {
      const result = await withWorld(builds.get(name), (world) => runSuite(world, { seed: SEED, steps: STEPS }));
      expect(result.ok, `the suite passed a build whose ${name}`).toBe(false);
      if (result.ok) return;
      console.log(`broken build "${name}" caught:\n${result.report}`);
      expect(result.report).toMatch(/^invariant "[^"]+" violated: /);
      expect(result.report).toMatch(new RegExp(`replay it: npm run invariants -- --seed ${SEED} --path [\\d:]+ --commands '[^']*'`));
      expect(result.report, 'the shrunk sequence fails again when replayed').not.toContain('WARNING');
      // Shrunk: a handful of steps, not the run that first failed.
      const steps = Number(/failing sequence after \d+ shrink\(s\), (\d+) step\(s\)/.exec(result.report)?.[1]);
      expect(steps).toBeGreaterThan(0);
      expect(steps).toBeLessThanOrEqual(12);
    }, 600_000);
  });
});
