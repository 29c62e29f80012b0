import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';

describe('Random', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((r) => () => r.next())(new Random(seed)));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('shuffles into a permutation', () => {
    const items = ['worker', 'listener', 'api', 'webhooks', 'postgres'];
    const shuffled = new Random(7).shuffled(items);
    expect([...shuffled].sort()).toEqual([...items].sort());
    expect(items).toEqual(['worker', 'listener', 'api', 'webhooks', 'postgres']);
  });
});
