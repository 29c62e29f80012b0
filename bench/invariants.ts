// npm run invariants -- [--steps 1000000] [--seed 1] [--path P --commands C] [--mutant NAME]
// The escrow's invariant suite (contracts/invariants/) as a long run on its own anvil: prints progress, then the figures
// (steps, runs, speed, how each kind of step ended), or the shrunk failing sequence and exits 1.
// --path and --commands replay one failing sequence reported by an earlier run with the same seed
// (a failure prints the command line); --mutant NAME
// runs against one of the deliberately broken builds in mutants.ts instead of the real escrow.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAnvil } from '../stack/anvil.ts';
import { freePort } from '../stack/ports.ts';
import { AnvilRpc } from '../contracts/invariants/anvil.ts';
import { compileMutants, MUTANTS } from '../contracts/invariants/mutants.ts';
import { outcomeTable, runSuite } from '../contracts/invariants/suite.ts';
import { deployWorld } from '../contracts/invariants/world.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    path: { type: 'string' },
    commands: { type: 'string', default: '' },
    mutant: { type: 'string' },
  },
});
const steps = Number(values.steps);
const seed = Number(values.seed);
if (!Number.isSafeInteger(steps) || steps <= 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run invariants -- [--steps N] [--seed N] [--path P --commands C] [--mutant NAME]');
  process.exit(2);
}

const port = await freePort();
const logFile = join(tmpdir(), `lockstep-invariants-anvil-${port}.log`);
const anvil = await startAnvil({ port, logFile });
const rpc = new AnvilRpc(`http://127.0.0.1:${port}`);
let exitCode = 0;
try {
  const escrowBytecode = values.mutant === undefined ? undefined : compileMutants(MUTANTS.filter((m) => m.name === values.mutant)).get(values.mutant);
  if (values.mutant !== undefined && !escrowBytecode) throw new Error(`no mutant "${values.mutant}"; there are: ${MUTANTS.map((m) => m.name).join('; ')}`);
  const world = await deployWorld(rpc, { escrowBytecode });
  const started = performance.now();
  let lastPrint = started;
  const build = values.mutant === undefined ? '' : `, broken build "${values.mutant}"`;
  console.log(`escrow invariants: seed ${seed}, ${values.path ? `replaying path ${values.path}` : `${steps} steps`}${build}, anvil on port ${port} (log ${logFile})`);
  const result = await runSuite(world, {
    seed,
    steps,
    replay: values.path === undefined ? undefined : { path: values.path, commands: values.commands },
    onRun: (stats, runs) => {
      const now = performance.now();
      if (now - lastPrint < 10_000) return;
      lastPrint = now;
      const seconds = (now - started) / 1000;
      console.log(`  ${stats.steps} steps in ${runs} runs, ${seconds.toFixed(0)} s, ${(stats.steps / seconds).toFixed(0)} steps/s`);
    },
  });
  console.log(`${result.stats.steps} steps in ${result.runs} runs, ${result.seconds.toFixed(1)} s, ${(result.stats.steps / result.seconds).toFixed(0)} steps/s`);
  console.log(outcomeTable(result.stats));
  if (!result.ok) {
    console.error(`\n${result.report}`);
    exitCode = 1;
  } else {
    console.log('every invariant held after every step');
  }
} finally {
  rpc.close();
  await anvil.stop();
}
process.exit(exitCode);
