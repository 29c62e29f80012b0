import { describe, expect, it } from 'vitest';
import { LoginLimit } from './loginLimit.ts';

describe('the logins of one address', () => {
  it('go ahead up to the limit in a minute, then wait for the window to end; other addresses count apart', () => {
    let now = 1_000_000;
    const limit = new LoginLimit(3, () => now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([0, 0, 0]);
    now += 20_000;
    expect(limit.take('a')).toBe(40);
    expect(limit.take('b')).toBe(0);
    now += 39_500;
    expect(limit.take('a')).toBe(1);
    now += 500;
    expect(limit.take('a')).toBe(0);
  });

  it('forgets ended windows once many addresses were seen', () => {
    let now = 0;
    const limit = new LoginLimit(1, () => now);
    for (let i = 0; i <= 10_001; i++) limit.take(`10.0.${i >> 8}.${i & 255}`);
    now += 60_000;
    limit.take('fresh');
    expect((limit as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
