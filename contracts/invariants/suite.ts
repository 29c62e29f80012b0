// Runs the escrow's model-based property on a deployed world until enough steps have run, and
// reports either the figures or the shrunk failing sequence with what replays it.

import fc from 'fast-check';
import { commandArbitrary, type Harness, type Real, type Stats } from './commands.ts';
import type { World } from './world.ts';

export interface SuiteOptions {
  seed: number;
  /** Runs go on until at least this many steps have run. */
  steps: number;
  /** Steps per run at most: long enough to fill every escrow slot and outlive deadlines. */
  maxCommandsPerRun?: number;
  /** From a failure report: fast-check's counterexample path and the commands' replay path, which together replay that one sequence. */
  replay?: { path: string; commands: string };
  onRun?: (stats: Stats, runs: number) => void;
}

export type SuiteResult =
  | { ok: true; stats: Stats; runs: number; seconds: number }
  | { ok: false; stats: Stats; runs: number; seconds: number; error: Error; report: string };

/** About what a run averages with the default length; only used to size fast-check's number of runs. */
const MEAN_STEPS_PER_RUN = 40;

export async function runSuite(world: World, options: SuiteOptions): Promise<SuiteResult> {
  const stats: Stats = { steps: 0, outcomes: {}, events: {}, reentryAttempts: 0n };
  const started = performance.now();
  let runs = 0;
  const maxCommands = options.maxCommandsPerRun ?? 100;
  const sequences = fc.commands([commandArbitrary], { maxCommands, size: 'max', replayPath: options.replay?.commands });
  const property = fc.asyncProperty(sequences, async (commands) => {
    // Runs left over once the steps are reached pass without touching the chain.
    if (stats.steps >= options.steps && !options.replay) return;
    await world.reset();
    runs += 1;
    const start = world.initialModel();
    const real: Real = { world, start, stats, trace: [] };
    const harness: Harness = { model: world.initialModel() };
    await fc.asyncModelRun(() => ({ model: harness, real }), commands);
    for (const token of Object.values(harness.model.tokens)) stats.reentryAttempts += token.reentryAttempts;
    options.onRun?.(stats, runs);
  });
  // A replay walks to its run by index: there must be at least that many.
  const numRuns = options.replay ? Number(options.replay.path.split(':')[0]) + 1 : Math.ceil((options.steps / MEAN_STEPS_PER_RUN) * 3) + 10;
  const details = await fc.check(property, { seed: options.seed, numRuns, path: options.replay?.path });
  const seconds = (performance.now() - started) / 1000;
  if (!details.failed) {
    if (stats.steps < options.steps && !options.replay) throw new Error(`only ${stats.steps} of ${options.steps} steps ran in ${numRuns} runs: raise MEAN_STEPS_PER_RUN's margin`);
    return { ok: true, stats, runs, seconds };
  }
  const error = details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
  const replay = await replayCounterexample(world, details.counterexample?.[0] ?? []);
  return { ok: false, stats, runs, seconds, error, report: failureReport(details, error, replay, options.seed) };
}

/**
 * Runs the shrunk sequence once more, from the deployed world, for the steps as they ran (an aimed
 * step's escrow depends on the steps before it) and to show that it fails again the same way.
 */
async function replayCounterexample(world: World, sequence: Iterable<fc.AsyncCommand<Harness, Real>>): Promise<{ trace: string[]; error: unknown }> {
  await world.reset();
  const real: Real = { world, start: world.initialModel(), stats: { steps: 0, outcomes: {}, events: {}, reentryAttempts: 0n }, trace: [] };
  try {
    await fc.asyncModelRun(() => ({ model: { model: world.initialModel() }, real }), sequence);
    return { trace: real.trace, error: undefined };
  } catch (error) {
    return { trace: real.trace, error };
  }
}

function failureReport(details: { numShrinks: number; counterexamplePath: string | null; counterexample: unknown[] | null }, error: Error, replay: { trace: string[]; error: unknown }, seed: number): string {
  // fast-check prints which generated commands ran as a comment after the sequence; shrinking depends on it.
  const commandsReplayPath = /\/\*replayPath="([^"]*)"\*\//.exec(String(details.counterexample?.[0]))?.[1] ?? '';
  const again = replay.error instanceof Error && replay.error.message === error.message;
  return [
    error.message,
    '',
    `failing sequence after ${details.numShrinks} shrink(s), ${replay.trace.length} step(s)${again ? '' : ' (WARNING: replayed once more, it did not fail the same way)'}:`,
    ...replay.trace.map((step, i) => `  ${String(i + 1).padStart(3)}. ${step}`),
    '',
    `replay it: npm run invariants -- --seed ${seed} --path ${details.counterexamplePath} --commands '${commandsReplayPath}'`,
  ].join('\n');
}

/** How each kind of step ended, most frequent first: a line per command, its outcomes by count. */
export function outcomeTable(stats: Stats): string {
  const rows = Object.entries(stats.outcomes)
    .sort(([, a], [, b]) => total(b) - total(a))
    .map(([command, counts]) => {
      const detail = Object.entries(counts)
        .sort(([, a], [, b]) => b - a)
        .map(([outcome, n]) => `${outcome} ${n}`)
        .join(', ');
      return `  ${command.padEnd(15)} ${String(total(counts)).padStart(9)}  ${detail}`;
    });
  const events = Object.entries(stats.events).map(([name, n]) => `${name} ${n}`).join(', ');
  return [...rows, `  escrow events: ${events}`, `  calls back into the escrow by the reentrant token: ${stats.reentryAttempts}`].join('\n');
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

