// A tool that started processes (the benchmark) stops them when it is itself
// stopped: a terminal's Ctrl-C reaches the whole process group, but `kill` or `timeout` reaches
// only the tool, and its stack would otherwise run on until the next start found it.

/** On the first SIGINT or SIGTERM: `stop`, then exit with 130. */
export function stopOnInterrupt(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
