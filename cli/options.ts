// What every command does with its arguments: options parsed strictly (an unknown or
// misspelt one is an error, not ignored), numbers checked, JSON printed.

import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LockstepError } from '../domain/errors.ts';

/** A command called wrongly: its message and the command's usage go to stderr, and it exits 2. */
export class UsageError extends LockstepError {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `args` by `options`, refusing an option the command does not take or one without its value. */
export function parse<const O extends Options>(args: string[], options: O, { positionals = false } = {}) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((err as Error).message);
    throw err;
  }
}

/** A whole number option within its bounds, or a UsageError that names the option and what it takes. */
export function wholeNumber(value: string, option: string, bounds: { min: number; max: number }): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
    throw new UsageError(`${option} must be a whole number from ${bounds.min} to ${bounds.max}, not "${value}"`);
  }
  return n;
}

/** A comma-separated list, each item trimmed, empty ones dropped. */
export const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export const print = (value: unknown, pretty = true) => process.stdout.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);

/** A request body from a JSON file, or from stdin for "-". */
export const readJsonFile = (file: string) => JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8')) as Record<string, unknown>;
