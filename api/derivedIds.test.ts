import { expect, it } from 'vitest';
import { isUuid } from '../domain/ids.ts';
import { derivedId, environmentIdOf, legIdOf, partyIdOf } from './derivedIds.ts';

it('derives the same version 5 UUID from the same names, and different ones from different names', () => {
  const id = environmentIdOf('5f0e1c3a-1111-4222-8333-444455556666', 'sandbox');
  expect(id).toBe(environmentIdOf('5f0e1c3a-1111-4222-8333-444455556666', 'sandbox'));
  expect(isUuid(id)).toBe(true);
  expect(id[14]).toBe('5');
  expect('89ab').toContain(id[19]);
  const s = '5f0e1c3a-1111-4222-8333-444455556666';
  expect(new Set([environmentIdOf(s, 'production'), partyIdOf(s, 'sandbox'), legIdOf(s, 0), legIdOf(s, 1), id]).size).toBe(5);
  // Parts are separated, so moving a boundary names something else.
  expect(derivedId('ab', 'c')).not.toBe(derivedId('a', 'bc'));
});
