// The API process's background sweeps: each runs every interval, never two runs of one at
// once, and never keeps the process alive by itself.

export function repeat(intervalMs: number, work: () => Promise<void>, onError: (err: unknown) => void): () => void {
  let running = false;
  const runOnce = async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } catch (err) {
      onError(err);
    } finally {
      running = false;
    }
  };
  // runOnce never rejects: every failure goes to onError.
  const timer = setInterval(() => void runOnce(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
