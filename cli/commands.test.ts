import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand, usage } from './commands.ts';
import { parse, UsageError, wholeNumber } from './options.ts';

describe('the command table', () => {
  it('has a runner in its group for every command, and no runner the table lacks', { timeout: 120_000 }, async () => {
    const groups = new Set(COMMANDS.map((c) => c.group));
    const runners = (await Promise.all([...groups].map(async (g) => Object.keys((await g()).commands)))).flat().sort();
    expect(runners).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('finds a command by its words, the longest name first', () => {
    expect(findCommand(['clients', 'create', '--platform', 'x'])).toMatchObject({ command: { name: 'clients create' }, args: ['--platform', 'x'] });
    expect(findCommand(['activity', '--limit', '5'])).toMatchObject({ command: { name: 'activity' }, args: ['--limit', '5'] });
    expect(findCommand(['clients', 'fly'])).toBeUndefined();
  });

  it('prints every command in its usage', () => {
    const text = usage();
    for (const c of COMMANDS) expect(text).toContain(`lockstep ${c.name}`);
  });
});

describe('options', () => {
  it('takes a whole number within its bounds and names the option otherwise', () => {
    expect(wholeNumber('60', '--idle-minutes', { min: 1, max: 100 })).toBe(60);
    for (const bad of ['abc', '0', '101', '1.5', '-3', '', '1e3']) {
      expect(() => wholeNumber(bad, '--idle-minutes', { min: 1, max: 100 })).toThrow(new UsageError(`--idle-minutes must be a whole number from 1 to 100, not "${bad}"`));
    }
  });

  it('refuses an option the command does not take, or one without its value', () => {
    expect(() => parse(['--limt', '5'], { limit: { type: 'string' } })).toThrow(UsageError);
    expect(() => parse(['--limit'], { limit: { type: 'string' } })).toThrow(UsageError);
    expect(() => parse(['stray'], { limit: { type: 'string' } })).toThrow(UsageError);
  });
});
