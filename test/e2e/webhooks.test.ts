// Webhooks on the real stack, received by a real HTTP server and verified with the
// standardwebhooks library (not our code) and with a plain HMAC check.

import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { queuedDeliverySchema, rotatedSecretSchema, webhookCreatedSchema, webhookDeliverySchema, webhookSchema } from '../../api/responses.ts';
import { fixtureClient } from '../support/clients.ts';
import { ROOT } from '../../config/paths.ts';
import { Receiver, type Received } from '../support/receiver.ts';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
const receiver = new Receiver();
const SCOPES = ['settlements:read', 'settlements:write', 'platform:webhooks:manage'];

async function clientOf(platform: string, environment = 'sandbox', scopes = SCOPES): Promise<LockstepApi> {
  const client = await fixtureClient(services().db, { platform, environment, name: 'webhooks', scopes });
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  return api;
}

const failure = (p: Promise<unknown>) => p.catch((e: ApiRequestError) => e);
const headersOf = (r: Received) => Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
/** KeyStone's check as its SDK makes it: the header equals our hex digest, whole. */
const keystoneValid = (r: Received, secret: string, header = 'x-keystone-signature') => r.headers[header] === createHmac('sha256', secret).update(r.body).digest('hex');
const libraryValid = (r: Received, secret: string) => {
  try {
    new Webhook(secret).verify(r.body, headersOf(r));
    return true;
  } catch {
    return false;
  }
};

let api: LockstepApi;

beforeAll(async () => {
  await receiver.start();
  api = await clientOf('webhooks-platform');
});
afterAll(() => receiver.stop());

async function register(body: Record<string, unknown> = {}, as = api) {
  return webhookCreatedSchema.parse(await as.request('POST', '/v1/platforms/me/webhooks', { url: receiver.url, ...body }));
}

const deliveries = async (endpointId: string) =>
  (await api.request<{ items: unknown[] }>('GET', `/v1/platforms/me/webhooks/${endpointId}/deliveries?limit=200`)).items.map((d) => webhookDeliverySchema.parse(d));

/** The states the settlement entered, in order, from its audit trail. */
async function statesOf(id: string): Promise<string[]> {
  const trail = await services().db.settlementEvent.findMany({ where: { settlementId: id }, orderBy: { sequence: 'asc' } });
  return trail.filter((e) => e.fromState !== e.toState).map((e) => `settlement.state.${e.toState.toLowerCase()}`);
}

async function settle(as = api): Promise<string> {
  const created = await as.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
  const awaiting = await waitForState(as, created.id, ['AWAITING_DEPOSITS']);
  await depositAs(manifest, awaiting, 'seller');
  await depositAs(manifest, awaiting, 'buyer');
  await waitForState(as, created.id, ['FINALIZED']);
  return created.id;
}

describe('webhooks', () => {
  it('delivers every state of a finalized settlement once, in order, signed both ways', async () => {
    const endpoint = await register({ description: 'all events' });
    expect(endpoint).toMatchObject({ status: 'active', events: ['*'], secret: expect.stringMatching(/^whsec_/) });
    const id = await settle();
    const expected = await statesOf(id);
    expect(expected.at(-1)).toBe('settlement.state.finalized');
    await receiver.waitFor(() => receiver.ofSettlement(id).some((r) => r.json.event === 'settlement.state.finalized'));

    const got = receiver.ofSettlement(id);
    expect(got.filter((r) => r.json.event.startsWith('settlement.state.')).map((r) => r.json.event)).toEqual(expected);
    expect(got.map((r) => r.json.event)).toContain('settlement.compliance.cleared');
    // Once each: no event id twice.
    expect(new Set(got.map((r) => r.json.id)).size).toBe(got.length);
    for (const r of got) {
      expect(libraryValid(r, endpoint.secret)).toBe(true);
      expect(keystoneValid(r, endpoint.secret)).toBe(true);
      expect(r.headers['webhook-id']).toBe(r.json.id);
    }
    expect(got.find((r) => r.json.event === 'settlement.state.awaiting_deposits')!.json.data).toEqual({
      settlement_id: id, state: 'AWAITING_DEPOSITS', previous_state: 'REGISTERING_ESCROW', settlement_type: 'single_platform', timestamp: expect.any(String),
    });
    // The secret is never shown again.
    const shown = await api.request<Record<string, unknown>>('GET', `/v1/platforms/me/webhooks/${endpoint.id}`);
    expect(shown).not.toHaveProperty('secret');
    expect(JSON.stringify(await api.request('GET', '/v1/platforms/me/webhooks'))).not.toContain(endpoint.secret);
    await api.request('DELETE', `/v1/platforms/me/webhooks/${endpoint.id}`);
  });

  it('retries a failing receiver: 500 twice, then 200 on the third attempt, all in the delivery log', async () => {
    const endpoint = await register();
    receiver.respond = (r, nth) => (r.json.event === 'test.ping' && nth <= 2 ? 500 : 200);
    const ping = queuedDeliverySchema.parse(await api.request('POST', `/v1/platforms/me/webhooks/${endpoint.id}/test`));
    await receiver.waitFor((all) => all.filter((r) => r.json.id === ping.event_id).length === 3);
    let log = await deliveries(endpoint.id);
    for (let i = 0; i < 50 && log[0]?.status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = await deliveries(endpoint.id);
    }
    expect(log[0]).toMatchObject({ id: ping.delivery_id, event: 'test.ping', status: 'delivered', attempt_count: 3, next_attempt_at: null });
    expect(log[0]!.attempts.map((a) => a.status_code)).toEqual([500, 500, 200]);
    expect(log[0]!.attempts.every((a) => a.latency_ms >= 0)).toBe(true);
    receiver.respond = () => 200;

    // A past event sent again: a new delivery of the same event.
    const resent = queuedDeliverySchema.parse(await api.request('POST', `/v1/platforms/me/webhooks/${endpoint.id}/deliveries/${ping.delivery_id}/resend`));
    expect(resent.event_id).toBe(ping.event_id);
    await receiver.waitFor((all) => all.filter((r) => r.json.id === ping.event_id).length === 4);
    await api.request('DELETE', `/v1/platforms/me/webhooks/${endpoint.id}`);
  });

  it('marks an endpoint failing after a run of failed attempts, and active again on a success', async () => {
    const endpoint = await register({ events: ['test.ping'] });
    receiver.respond = (r) => (r.json.event === 'test.ping' ? 503 : 200);
    await api.request('POST', `/v1/platforms/me/webhooks/${endpoint.id}/test`);
    // WEBHOOK_FAILING_AFTER is 5 by default.
    const status = async () => webhookSchema.parse(await api.request('GET', `/v1/platforms/me/webhooks/${endpoint.id}`));
    let seen = await status();
    for (let i = 0; i < 200 && seen.status !== 'failing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await status();
    }
    expect(seen).toMatchObject({ status: 'failing', consecutive_failures: 5 });
    receiver.respond = () => 200;
    for (let i = 0; i < 200 && seen.status !== 'active'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await status();
    }
    expect(seen).toMatchObject({ status: 'active', consecutive_failures: 0 });
    expect((await deliveries(endpoint.id))[0]!.attempts.map((a) => a.status_code)).toEqual([503, 503, 503, 503, 503, 200]);
    await api.request('DELETE', `/v1/platforms/me/webhooks/${endpoint.id}`);
  });

  it('delivers everything, in order, to a receiver that was down while the worker and dispatcher restarted', async () => {
    const endpoint = await register({ events: ['settlement.state.*'] });
    await receiver.stop();
    const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
    await services().processes.worker.kill();
    await services().processes.webhooks.kill();
    await services().processes.worker.start();
    await services().processes.webhooks.start();
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    // The settlement finished while nothing could be delivered: a dead receiver does not hold it up.
    await waitForState(api, created.id, ['FINALIZED']);
    expect(receiver.ofSettlement(created.id)).toEqual([]);

    await receiver.start();
    await receiver.waitFor(() => receiver.ofSettlement(created.id).some((r) => r.json.event === 'settlement.state.finalized'), 90_000);
    const got = receiver.ofSettlement(created.id);
    expect(got.map((r) => r.json.event)).toEqual(await statesOf(created.id));
    const log = await deliveries(endpoint.id);
    expect(log.every((d) => d.status === 'delivered')).toBe(true);
    expect(log.some((d) => d.attempts.some((a) => a.status_code === null && a.error))).toBe(true);
    await api.request('DELETE', `/v1/platforms/me/webhooks/${endpoint.id}`);
  });

  it('signs with both secrets during a rotation overlap and with the new one after it', async () => {
    const endpoint = await register({ events: ['test.ping'] });
    const rotated = rotatedSecretSchema.parse(await api.request('POST', `/v1/platforms/me/webhooks/${endpoint.id}/rotate-secret`));
    expect(Date.parse(rotated.previous_secret_valid_until) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(webhookSchema.parse(await api.request('GET', `/v1/platforms/me/webhooks/${endpoint.id}`)).previous_secret_valid_until).toBe(rotated.previous_secret_valid_until);

    const ping = async () => {
      const { event_id } = queuedDeliverySchema.parse(await api.request('POST', `/v1/platforms/me/webhooks/${endpoint.id}/test`));
      return (await receiver.waitFor((all) => all.some((r) => r.json.id === event_id))).find((r) => r.json.id === event_id)!;
    };
    const during = await ping();
    for (const secret of [endpoint.secret, rotated.new_secret]) expect(libraryValid(during, secret)).toBe(true);
    // KeyStone's header holds the new secret's digest alone; the old one's is beside it.
    expect(keystoneValid(during, rotated.new_secret)).toBe(true);
    expect(keystoneValid(during, endpoint.secret, 'x-keystone-signature-previous')).toBe(true);

    // The overlap ends (as 24 hours later).
    await services().db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    const after = await ping();
    expect(libraryValid(after, rotated.new_secret)).toBe(true);
    expect(keystoneValid(after, rotated.new_secret)).toBe(true);
    expect(libraryValid(after, endpoint.secret)).toBe(false);
    expect(keystoneValid(after, endpoint.secret)).toBe(false);
    expect(after.headers['x-keystone-signature-previous']).toBeUndefined();

    // A captured delivery replayed later than the library's tolerance (5 minutes) is refused.
    vi.useFakeTimers({ now: Date.now() + 6 * 60_000, toFake: ['Date'] });
    try {
      expect(() => new Webhook(rotated.new_secret).verify(after.body, headersOf(after))).toThrow(/too old/i);
    } finally {
      vi.useRealTimers();
    }
    await api.request('DELETE', `/v1/platforms/me/webhooks/${endpoint.id}`);
  });

  it('holds deliveries while paused and sends them on resume; filters by event pattern', async () => {
    const endpoint = await register({ events: ['settlement.compliance.*', 'test.ping'] });
    const paused = webhookSchema.parse(await api.request('PATCH', `/v1/platforms/me/webhooks/${endpoint.id}`, { status: 'paused' }));
    expect(paused.status).toBe('paused');
    const { event_id } = queuedDeliverySchema.parse(await api.request('POST', `/v1/platforms/me/webhooks/${endpoint.id}/test`));
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.some((r) => r.json.id === event_id)).toBe(false);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'pending', attempt_count: 0 });
    await api.request('PATCH', `/v1/platforms/me/webhooks/${endpoint.id}`, { status: 'active' });
    await receiver.waitFor((all) => all.some((r) => r.json.id === event_id));

    const created = await api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    await waitForState(api, created.id, ['AWAITING_DEPOSITS']);
    await receiver.waitFor(() => receiver.ofSettlement(created.id).length > 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.ofSettlement(created.id).map((r) => r.json.event)).toEqual(['settlement.compliance.cleared']);
    await api.request('DELETE', `/v1/platforms/me/webhooks/${endpoint.id}`);
    expect(await failure(api.request('GET', `/v1/platforms/me/webhooks/${endpoint.id}`))).toMatchObject({ status: 404 });
  });

  it('refuses unsafe URLs and bad input, and hides other platforms\' endpoints', async () => {
    const production = await clientOf('webhooks-platform', 'production');
    for (const url of ['http://127.0.0.1:9/hooks', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hooks', 'https://localhost/hooks', 'https://10.0.0.1/hooks']) {
      expect(await failure(production.request('POST', '/v1/platforms/me/webhooks', { url })), url).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'url'] }] } });
    }
    // Outside production the development setting lets a local receiver in, but never the metadata address.
    expect(await failure(api.request('POST', '/v1/platforms/me/webhooks', { url: 'http://169.254.169.254/' }))).toMatchObject({ status: 422 });
    expect(await failure(api.request('POST', '/v1/platforms/me/webhooks', { url: 'ftp://example.com/x' }))).toMatchObject({ status: 422 });
    expect(await failure(api.request('POST', '/v1/platforms/me/webhooks', { url: receiver.url, events: ['settlement.everything'] }))).toMatchObject({
      status: 422, body: { detail: [{ loc: ['body', 'events', 0] }] },
    });

    const mine = await register();
    const other = await clientOf('webhooks-other');
    expect(await failure(other.request('GET', `/v1/platforms/me/webhooks/${mine.id}`))).toMatchObject({ status: 404 });
    expect(await failure(other.request('POST', `/v1/platforms/me/webhooks/${mine.id}/rotate-secret`))).toMatchObject({ status: 404 });
    const settlementsOnly = await clientOf('webhooks-platform', 'sandbox', ['settlements:read']);
    expect(await failure(settlementsOnly.request('GET', '/v1/platforms/me/webhooks'))).toMatchObject({ status: 403 });
    await api.request('DELETE', `/v1/platforms/me/webhooks/${mine.id}`);
  });
});

describe('lockstep listen', () => {
  it("forwards the environment's new events to a local URL, signed with the session's secret", async () => {
    const client = await fixtureClient(services().db, { platform: 'listen-platform', environment: 'sandbox', name: 'listen', scopes: SCOPES });
    const local = await new Receiver().start();
    const cli = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'listen', '--forward-to', local.url, '--events', 'settlement.state.*', '--poll-ms', '200'], {
      cwd: ROOT,
      env: { ...process.env, LOCKSTEP_API_URL: manifest.api_url, LOCKSTEP_CLIENT_ID: client.client_id, LOCKSTEP_CLIENT_SECRET: client.client_secret },
    });
    try {
      const [line] = (await once(createInterface({ input: cli.stdout }), 'line')) as [string];
      const { signing_secret: secret } = JSON.parse(line) as { signing_secret: string };
      const as = new LockstepApi(manifest.api_url);
      await as.authenticate(client.client_id, client.client_secret);
      const created = await as.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
      await waitForState(as, created.id, ['AWAITING_DEPOSITS']);
      const got = await local.waitFor((all) => all.some((r) => r.json.event === 'settlement.state.awaiting_deposits'));
      expect(got.map((r) => r.json.event)).toEqual((await statesOf(created.id)).slice(0, got.length));
      for (const r of got) expect(libraryValid(r, secret) && keystoneValid(r, secret)).toBe(true);
    } finally {
      cli.kill('SIGINT');
      await local.stop();
    }
  });
});

describe('the event feed', () => {
  it('never passes an event whose transaction is still open, and loses none once it commits', async () => {
    const as = await clientOf('feed-platform');
    const { id: platformId } = await services().db.platform.findUniqueOrThrow({ where: { name: 'feed-platform' } });
    type Feed = { items: { id: string }[]; next_after: string };
    const feed = (after?: string) => as.request<Feed>('GET', `/v1/platforms/me/events${after === undefined ? '' : `?after=${after}`}`);
    // An event queued as outbox.ts queues one: as the tenant, in the transaction of what caused it.
    const queue = async (c: pg.Client) => {
      const id = randomUUID();
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.platform_id', $1, true), set_config('app.environment', 'sandbox', true), set_config('role', 'lockstep_tenant', true)`, [platformId]);
      await c.query('INSERT INTO webhook_events (id, platform_id, environment, type, body) VALUES ($1, $2, $3, $4, $5)', [id, platformId, 'sandbox', 'test.ping', { id, event: 'test.ping', data: {} }]);
      return id;
    };
    const start = (await feed()).next_after;
    const slow = new pg.Client({ connectionString: manifest.database_url });
    const fast = new pg.Client({ connectionString: manifest.database_url });
    await slow.connect();
    await fast.connect();
    try {
      // The slow transaction takes the lower seq and is still open when the fast one commits.
      const first = await queue(slow);
      const second = await queue(fast);
      await fast.query('COMMIT');
      const early = await feed(start);
      expect(early.items.map((e) => e.id)).toEqual([]);
      await slow.query('COMMIT');
      const seen: string[] = [];
      let after = early.next_after;
      await vi.waitFor(
        async () => {
          const page = await feed(after);
          seen.push(...page.items.map((e) => e.id));
          after = page.next_after;
          expect(seen).toEqual([first, second]);
        },
        { timeout: 10_000, interval: 200 },
      );
      // The same cursor with leading zeros (xid8 would read them as octal): the same answer.
      expect((await feed(`0${after.replace('.', '.0')}`)).items).toEqual([]);
    } finally {
      await slow.end();
      await fast.end();
    }
  });
});
