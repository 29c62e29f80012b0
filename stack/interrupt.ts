// A tool that started processes (the benchmark) stops them when it is itself
// stopped: a terminal's Ctrl-C reaches the whole process group, but a `kill` of the tool's pid
// reaches only the tool, and its stack would otherwise run on until the next start found it.

import os from 'node:os';

/**
 * On the first SIGINT or SIGTERM: `stop`, then exit as a process killed by that signal would
 * (128 + its number), so a caller's script sees an interrupted run. A second signal exits at once.
 */
export function stopOnInterrupt(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + os.constants.signals[signal];
    if (stopping) process.exit(code);
    stopping = true;
    void stop().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
