import { describe, expect, it } from 'vitest';
import { SettlementWatch } from './settlementWatch.ts';

describe("the detail pages' watch of their settlements", () => {
  it('reads every watched settlement in one read a tick, and none once nobody watches', async () => {
    const reads: string[][] = [];
    const sequences = new Map([
      ['a', 3],
      ['b', 7],
    ]);
    const watch = new SettlementWatch(async (ids) => (reads.push(ids), new Map(ids.map((id) => [id, sequences.get(id)!]))), 60_000, () => undefined);
    const seen: string[] = [];
    const stopA1 = watch.watch('a', (s) => seen.push(`a1:${s}`));
    const stopA2 = watch.watch('a', (s) => seen.push(`a2:${s}`));
    const stopB = watch.watch('b', (s) => seen.push(`b:${s}`));
    await watch.tick();
    expect(reads).toEqual([['a', 'b']]);
    expect(seen).toEqual(['a1:3', 'a2:3', 'b:7']);
    stopA1();
    stopB();
    sequences.set('a', 4);
    await watch.tick();
    expect(reads.at(-1)).toEqual(['a']);
    expect(seen.at(-1)).toBe('a2:4');
    stopA2();
    await watch.tick();
    expect(reads).toHaveLength(2);
  });

  it('logs a failed read and reads again at the next tick', async () => {
    let fail = true;
    const logged: string[] = [];
    const watch = new SettlementWatch(
      async (ids) => {
        if (fail) throw new Error('connection lost');
        return new Map(ids.map((id) => [id, 1]));
      },
      60_000,
      (message) => logged.push(message),
    );
    const seen: number[] = [];
    const stop = watch.watch('a', (s) => seen.push(s));
    await watch.tick();
    fail = false;
    await watch.tick();
    expect([logged, seen]).toEqual([['settlement watch read failed'], [1]]);
    stop();
  });
});
