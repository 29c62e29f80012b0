import { describe, expect, it } from 'vitest';
import { Postings } from './postings.ts';

describe('Postings', () => {
  it('gives every key the ids filed under it, ascending, across the yields of a build', async () => {
    // id i is filed under t:d for each divisor d of i up to 6, and under its own x:i
    const keysOf = (id: number) => [`x:${id}`, ...[1, 2, 3, 4, 5, 6].filter((d) => id % d === 0).map((d) => `t:${d}`)];
    const postings = await Postings.build(50, keysOf, 7);
    for (const d of [1, 2, 3, 4, 5, 6]) expect([...postings.get(`t:${d}`)]).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i % d === 0));
    expect([...postings.get('x:17')]).toEqual([17]);
  });

  it('has nothing under a key it was not given', async () => {
    const postings = await Postings.build(1, () => ['t:a']);
    expect(postings.get('t:b')).toHaveLength(0);
    expect(Postings.EMPTY.get('t:a')).toHaveLength(0);
  });
});
