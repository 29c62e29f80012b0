import { expect, it } from 'vitest';
import { type ApiError } from './errors.ts';
import { createSettlementSchema, listSettlementsQuery, pageQuery } from './schemas.ts';
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

it('refuses a NUL character in any string it keeps (PostgreSQL cannot store one), and ignores it in a field it drops', () => {
  const body = { idempotency_key: 'k\u0000', template_id: 'dvp-standard', parties: [{ role: 'buyer', external_reference: 'a', wallet_address: `0x${'1'.repeat(40)}` }, { role: 'seller', external_reference: 'b\u0000', wallet_address: `0x${'2'.repeat(40)}` }], legs: [{ leg_type: 'asset', instrument_id: 'DEMO', quantity: '1', direction: 'deliver', party_role: 'seller' }] };
  expect(detailOf(body).map((d) => d.loc)).toEqual([['body', 'idempotency_key'], ['body', 'parties', 1, 'external_reference']]);
  const dropped = parseOr422(pageQuery, { limit: '5', ['x\u0000']: 'y\u0000' }, 'query');
  expect(dropped).toEqual({ limit: 5, offset: 0 });
});

it("reads the settlement list's filters, several states comma-separated or repeated, and answers 422 at the query's bad ones", () => {
  const read = (query: Record<string, unknown>) => parseOr422(listSettlementsQuery, query, 'query');
  expect(read({ state: 'SETTLED,FINALIZED' }).state).toEqual(['SETTLED', 'FINALIZED']);
  expect(read({ state: ['SETTLED', 'FINALIZED'] }).state).toEqual(['SETTLED', 'FINALIZED']);
  // KeyStone's SDK sends its one state as is.
  expect(read({ state: 'SETTLED', limit: '50', offset: '0' })).toEqual({ state: ['SETTLED'], limit: 50, offset: 0 });
  expect(read({ created_after: '2026-01-01T00:00:00+01:00', party_reference: 'acme-1', template_id: 'dvp-standard' })).toMatchObject({ created_after: '2025-12-31T23:00:00.000Z', party_reference: 'acme-1', template_id: 'dvp-standard' });
  // An offset ISO 8601 allows and PostgreSQL does not (beyond ±15:59) reaches it in UTC (Schemathesis found the 500).
  expect(read({ created_before: '8800-02-29T22:56:05-21:12' }).created_before).toBe('8800-03-01T20:08:05.000Z');
  const locs = (query: Record<string, unknown>) => {
    try {
      read(query);
    } catch (err) {
      expect((err as ApiError).status).toBe(422);
      return ((err as ApiError).detail as { loc: string[] }[]).map((d) => d.loc.join('.'));
    }
    throw new Error('parsed');
  };
  expect(locs({ state: 'SETTLED,', created_after: 'yesterday', created_before: '0000-06-01T00:00:00Z', template_id: '', party_reference: 'x'.repeat(257) })).toEqual(['query.state', 'query.template_id', 'query.created_after', 'query.created_before', 'query.party_reference']);
});
