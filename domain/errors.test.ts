import { describe, expect, it } from 'vitest';
import { FailureType, LockstepError, UpdateRefused } from './errors.ts';
import { TemplateError } from './template.ts';

describe('LockstepError', () => {
  it('keeps the short message, takes its details from a cause, and names each subclass', () => {
    const cause = new Error('connection reset');
    const err = new LockstepError('cannot read the list', { cause, docsPath: 'runbook.md#health' });
    expect(err).toMatchObject({ name: 'LockstepError', message: 'cannot read the list', details: 'connection reset', docsPath: 'runbook.md#health', cause });
    expect(new UpdateRefused('no')).toMatchObject({ name: 'UpdateRefused', message: 'no', details: undefined });
    expect(new TemplateError('broken')).toBeInstanceOf(LockstepError);
    expect(new TemplateError('broken').name).toBe('TemplateError');
  });
});

describe('FailureType', () => {
  it('names each type by itself, as the committed histories recorded it', () => {
    // A changed value would stop histories that recorded the old one from meaning the same.
    for (const [key, value] of Object.entries(FailureType)) expect(value).toBe(key);
  });
});
