// The Idempotency-Key header on the real API and database: a retry replays the first answer
// and creates nothing, another request under the key is refused, and keys are the tenant's.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockstepApi } from '../../cli/apiClient.ts';
import { fixtureClient } from '../support/clients.ts';
import { Receiver } from '../support/receiver.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
const receiver = new Receiver();

async function tokenOf(platform: string): Promise<string> {
  const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name: 'idempotency', scopes: ['settlements:read', 'settlements:write', 'platform:webhooks:manage'] });
  return new LockstepApi(manifest.api_url).authenticate(client.client_id, client.client_secret);
}

async function post(token: string, path: string, body: unknown, key?: string) {
  const res = await fetch(`${manifest.api_url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed'),
    retryAfter: res.headers.get('retry-after'),
    cacheControl: res.headers.get('cache-control'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const endpointsOf = async (token: string) =>
  ((await (await fetch(`${manifest.api_url}/v1/platforms/me/webhooks?limit=200`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number }).total;

let token: string;
let platformId: string;
beforeAll(async () => {
  await receiver.start();
  token = await tokenOf('idempotency-platform');
  platformId = (await services().db.platform.findUniqueOrThrow({ where: { name: 'idempotency-platform' } })).id;
});
afterAll(() => receiver.stop());

describe('Idempotency-Key', () => {
  it('replays the first answer, signing secret included, and creates one endpoint', async () => {
    const before = await endpointsOf(token);
    const first = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'retried' }, 'webhook-once');
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    expect(first.body.secret).toMatch(/^whsec_/);
    const retry = await post(token, '/v1/platforms/me/webhooks', { description: 'retried', url: receiver.url }, 'webhook-once');
    expect(retry).toMatchObject({ status: 201, replayed: 'true', cacheControl: 'no-store' });
    expect(retry.body).toEqual(first.body);
    expect(await endpointsOf(token)).toBe(before + 1);
    // A replay runs no route check, so another client of the tenant does not get the answer (nor its secret).
    const colleague = await tokenOf('idempotency-platform');
    const theirs = await post(colleague, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'retried' }, 'webhook-once');
    expect(theirs).toMatchObject({ status: 409, body: { code: 'idempotency_key_reused' } });
    expect(JSON.stringify(theirs.body)).not.toContain(String(first.body.secret));
  });

  it('refuses the key with another body or on another path', async () => {
    await post(token, '/v1/platforms/me/webhooks', { url: receiver.url }, 'one-request');
    const other = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'another' }, 'one-request');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_key_reused');
    const elsewhere = await post(token, '/v1/settlements', dvpInstruction(manifest), 'one-request');
    expect(elsewhere.status).toBe(409);
  });

  it('answers 409 with Retry-After while the first request still runs, and runs it again once its lease lapsed', async () => {
    const before = await endpointsOf(token);
    const first = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'leased' }, 'leased');
    // As if the process that ran it died before it answered, just now and then long ago.
    const key = { platformId_environment_key: { platformId, environment: 'sandbox', key: 'leased' } };
    await services().db.idempotencyKey.update({ where: key, data: { status: null, sealedBody: null, lockedAt: new Date() } });
    const running = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'leased' }, 'leased');
    expect(running).toMatchObject({ status: 409, retryAfter: '1', body: { code: 'idempotency_key_in_use' } });
    await services().db.idempotencyKey.update({ where: key, data: { lockedAt: new Date(Date.now() - 120_000) } });
    const taken = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'leased' }, 'leased');
    expect(taken).toMatchObject({ status: 201, replayed: null });
    expect(taken.body.id).not.toBe(first.body.id);
    expect(await endpointsOf(token)).toBe(before + 2);
  });

  it('forgets a key after 24 hours, and keeps no answer that refused the caller', async () => {
    const first = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url }, 'a-day');
    await services().db.idempotencyKey.update({
      where: { platformId_environment_key: { platformId, environment: 'sandbox', key: 'a-day' } },
      data: { createdAt: new Date(Date.now() - 25 * 3_600_000) },
    });
    const later = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url, description: 'a new one' }, 'a-day');
    expect(later).toMatchObject({ status: 201, replayed: null });
    expect(later.body.id).not.toBe(first.body.id);

    const reader = await fixtureClient(services().db, { platform: 'idempotency-platform', environment: 'sandbox', name: 'reader', scopes: ['settlements:read'] });
    const readerToken = await new LockstepApi(manifest.api_url).authenticate(reader.client_id, reader.client_secret);
    expect((await post(readerToken, '/v1/platforms/me/webhooks', { url: receiver.url }, 'refused')).status).toBe(403);
    expect((await post(token, '/v1/platforms/me/webhooks', { url: receiver.url }, 'refused')).status).toBe(201);
  });

  it("keeps each tenant's keys apart", async () => {
    const other = await tokenOf('idempotency-other');
    const mine = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url }, 'shared-key');
    const theirs = await post(other, '/v1/platforms/me/webhooks', { url: receiver.url }, 'shared-key');
    expect(theirs).toMatchObject({ status: 201, replayed: null });
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it("works beside a settlement's idempotency_key, and refuses a malformed key", async () => {
    const body = dvpInstruction(manifest);
    const first = await post(token, '/v1/settlements', body, 'settle-once');
    const again = await post(token, '/v1/settlements', body, 'settle-once');
    expect([first.status, again.status, again.replayed]).toEqual([201, 201, 'true']);
    // Without the header, the body's key still finds the same settlement.
    const byBody = await post(token, '/v1/settlements', body);
    expect([byBody.status, byBody.body.id]).toEqual([200, first.body.id]);
    // That prefix names the settlements instructions make.
    expect(await post(token, '/v1/settlements', { ...body, idempotency_key: 'instruction:KS-1' })).toMatchObject({ status: 422 });
    const bad = await post(token, '/v1/platforms/me/webhooks', { url: receiver.url }, 'x'.repeat(256));
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.detail)).toContain('Idempotency-Key');
  });
});
