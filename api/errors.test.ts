import type { Request, Response } from 'express';
import { expect, test } from 'vitest';
import { errorHandler } from './errors.ts';

/** The status, body and headers errorHandler answers `err` with, and what it logged. */
function answer(err: unknown) {
  const logged: string[] = [];
  const sent: { status?: number; body?: Record<string, unknown>; headers: Record<string, string> } = { headers: {} };
  const res = {
    locals: {},
    set: (name: string, value: string) => ((sent.headers[name] = value), res),
    status: (status: number) => ((sent.status = status), res),
    json: (body: Record<string, unknown>) => ((sent.body = body), res),
  };
  const req = { originalUrl: '/v1/platforms/me/webhooks/x' } as Request;
  errorHandler({ serviceName: 'test', buildVersion: '0', log: (message) => logged.push(message) })(err, req, res as unknown as Response, () => undefined);
  return { ...sent, logged };
}

test('a row removed by another request between the read and the write is a 404, not a 500', () => {
  // What Prisma throws when an update finds no row (P2025).
  const removed = Object.assign(new Error('No record was found for an update.'), { code: 'P2025', meta: { modelName: 'WebhookEndpoint' } });
  const { status, body, logged } = answer(removed);
  expect(status).toBe(404);
  expect(body).toMatchObject({ code: 'not_found' });
  expect(logged).toEqual([]);
});

test('a busy database is a 503 to retry, and anything unknown a 500 that is logged', () => {
  expect(answer(Object.assign(new Error('pool timeout'), { code: 'P2024' }))).toMatchObject({ status: 503, headers: { 'Retry-After': '1' }, body: { code: 'database_busy' } });
  expect(answer(new Error('boom'))).toMatchObject({ status: 500, body: { code: 'internal_error' }, logged: ['unhandled error'] });
});
