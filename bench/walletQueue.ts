// One transaction at a time per wallet: the chain wants increasing nonces, so the drivers of
// the benchmark and the chaos run send each wallet's deposits in a queue while settlements
// of many wallets (and many settlements of one wallet) proceed at once.

export class WalletQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after everything queued before for `wallet`, whether that succeeded or not. */
  serially<T>(wallet: string, work: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(wallet) ?? Promise.resolve()).then(work, work);
    this.tails.set(wallet, next.catch(() => undefined));
    return next;
  }
}
