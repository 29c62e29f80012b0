import type { z } from 'zod';
import { validationFailed, type FieldError } from './errors.ts';

/** Parse or throw a 422 whose `detail` lists every problem as {loc, msg, type}, typed as FastAPI (KeyStone's server) types them. */
export function parseOr422<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    // What the schema kept, not what it dropped (unknown fields are ignored, whatever they hold).
    const nuls = nulPaths(parsed.data);
    if (nuls.length) throw validationFailed(nuls.map((path) => ({ loc: [where, ...path], msg: NO_NUL, type: 'string_pattern_mismatch' })));
    return parsed.data;
  }
  const errors: FieldError[] = parsed.error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // FastAPI names each extra field in its own error.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ loc: [where, ...path, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }));
    return [{ loc: [where, ...path], msg: issue.message, type: fastApiType(issue, valueAt(value, path)) }];
  });
  throw validationFailed(errors);
}

const NO_NUL = 'must not contain the NUL character (U+0000)';

/** Where `value` holds a string (or a key) with U+0000, which PostgreSQL's text cannot store: the caller's mistake, not a failed insert. */
function nulPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k.includes('\u0000') ? [[...path, k]] : nulPaths(v, [...path, k])));
  }
  return [];
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[key] : undefined), value);
}

/** Pydantic's error type for a zod issue, where there is one; value_error for a rule of our own. */
function fastApiType(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'missing';
      const expected = String(issue.expected);
      if (expected === 'string') return 'string_type';
      if (expected === 'number' || expected === 'int') return typeof input === 'string' ? 'int_parsing' : 'int_type';
      if (expected === 'boolean') return 'bool_type';
      if (expected === 'array') return 'list_type';
      if (expected === 'object') return 'dict_type';
      return 'type_error';
    }
    case 'too_small':
      return issue.origin === 'string' ? 'string_too_short' : issue.origin === 'array' ? 'too_short' : 'greater_than_equal';
    case 'too_big':
      return issue.origin === 'string' ? 'string_too_long' : issue.origin === 'array' ? 'too_long' : 'less_than_equal';
    case 'invalid_value':
      return 'enum';
    case 'invalid_format':
      return 'string_pattern_mismatch';
    default:
      return 'value_error';
  }
}
