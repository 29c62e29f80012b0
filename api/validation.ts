import type { z } from 'zod';
import { validationFailed, type FieldError } from './errors.ts';

/** Parse or throw a 422 whose `detail` lists every problem as {loc, msg, type}. */
export function parseOr422<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((issue) => ({
    loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    msg: issue.message,
    type: issue.code,
  }));
  throw validationFailed(errors);
}
