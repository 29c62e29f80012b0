import { describe, expect, it } from 'vitest';
import { WalletQueue } from './walletQueue.ts';

describe('WalletQueue', () => {
  it("runs one wallet's work in order, after a failure too, and other wallets' alongside", async () => {
    const queue = new WalletQueue();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      await new Promise((r) => setTimeout(r, ms));
      log.push(name);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      queue.serially('seller', step('seller 1', 30, true)),
      queue.serially('seller', step('seller 2', 1)),
      queue.serially('buyer', step('buyer 1', 10)),
    ]);
    expect(log).toEqual(['buyer 1', 'seller 1', 'seller 2']);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});
