import { expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { createSettlementSchema } from './schemas.ts';
import { parseOr422 } from './validation.ts';

const detailOf = (value: unknown) => {
  try {
    parseOr422(createSettlementSchema, value, 'body');
  } catch (err) {
    return (err as ApiError).detail as { loc: (string | number)[]; type: string }[];
  }
  throw new Error('parsed');
};

it("types a 422's problems as FastAPI, KeyStone's server, types them", () => {
  const detail = detailOf({ idempotency_key: 5, parties: [{ role: '', surprise: 1 }], legs: 'x', timeout_at: 'tomorrow', template_id: 'dvp-standard' });
  const typeAt = (...loc: (string | number)[]) => detail.find((d) => JSON.stringify(d.loc) === JSON.stringify(['body', ...loc]))?.type;
  expect(typeAt('idempotency_key')).toBe('string_type');
  expect(typeAt('parties', 0, 'surprise')).toBe('extra_forbidden');
  expect(typeAt('parties', 0, 'role')).toBe('string_too_short');
  expect(typeAt('parties', 0, 'external_reference')).toBe('missing');
  expect(typeAt('parties')).toBe('too_short');
  expect(typeAt('legs')).toBe('list_type');
  expect(typeAt('timeout_at')).toBe('string_pattern_mismatch');
});
