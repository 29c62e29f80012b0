// Logins per client address. The lock-out stops guessing one user's password; this stops one
// address trying a few passwords on many users (password spraying), which no user's count
// would see. Counted in memory per API process, in fixed one-minute windows: N processes
// behind a balancer admit up to N times the limit, which still bounds a sprayer.

const WINDOW_MS = 60_000;
/** Past this many addresses, windows that have ended are dropped when a new one opens. */
const PRUNE_ABOVE = 10_000;

export class LoginLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when a login from `address` may go ahead now (it is counted); else the seconds until its window ends. */
  take(address: string): number {
    const t = this.now();
    const window = this.windows.get(address);
    if (!window || t - window.start >= WINDOW_MS) {
      if (this.windows.size > PRUNE_ABOVE) for (const [a, w] of this.windows) if (t - w.start >= WINDOW_MS) this.windows.delete(a);
      this.windows.set(address, { start: t, count: 1 });
      return 0;
    }
    if (window.count >= this.perMinute) return Math.ceil((window.start + WINDOW_MS - t) / 1000);
    window.count++;
    return 0;
  }
}
