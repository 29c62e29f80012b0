// Conformance: KeyStone's own Python SDK (test/sdk/requirements.txt), its code untouched,
// against the real stack. Every answer is parsed by the SDK's pydantic models; a field
// missing or of the wrong type fails here as it would fail a platform moving from KeyStone.
// Only the deposits go around the SDK, as a depositor's wallet would: sent over JSON-RPC
// from the API's deposit instructions.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setRateLimit } from '../../db/platforms.ts';
import { fixtureClient } from '../support/clients.ts';
import { KeystoneSdk, type SdkError } from '../support/keystoneSdk.ts';
import { Receiver } from '../support/receiver.ts';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, waitForState } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
let sdk: KeystoneSdk;
const receiver = new Receiver();

interface Settlement {
  __model__: string;
  id: string;
  state: string;
  template_id: string;
  external_reference: string | null;
  parties: { role: string; name: string | null; status: string }[];
  legs: { status: string; external_reference: string | null; quantity: string }[];
}
interface Page<T> {
  items: T[];
  total: number;
  has_more: boolean;
}

const lockstep = (client_id: string, client_secret: string, audience = manifest.client.audience) => ({
  client_id,
  client_secret,
  base_url: manifest.api_url,
  auth_domain: manifest.api_url,
  audience,
});

/** A SettlementCreate as KeyStone's README builds one: unset optional fields go out as null. */
function settlementCreate(overrides: Record<string, unknown> = {}, seller = 'Bob (Seller)') {
  const { buyer, seller: sellerWallet } = manifest.wallets;
  return {
    idempotency_key: `sdk-${randomUUID()}`,
    template_slug: 'dvp-standard',
    external_reference: 'TRADE-2026-0042',
    parties: [
      { role: 'seller', external_reference: 'bob-001', name: seller, wallet_address: sellerWallet.address },
      { role: 'buyer', external_reference: 'alice-001', name: 'Alice (Buyer)', wallet_address: buyer.address },
    ],
    legs: [
      { leg_type: 'asset', instrument_id: 'DEMO', quantity: '100', direction: 'deliver', party_role: 'seller', token_standard: 'ERC-20', external_reference: 'leg-asset' },
      { leg_type: 'payment', instrument_id: 'USDC', quantity: '50000.25', direction: 'deliver', party_role: 'buyer' },
    ],
    timeout_at: new Date(Date.now() + 5 * 60_000).toISOString(),
    ...overrides,
  };
}

async function sdkState(id: string, states: string[], timeoutMs = 90_000): Promise<Settlement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await sdk.call<Settlement>('main', 'settlements.get', id);
    if (states.includes(s.state)) return s;
    if (Date.now() > deadline) throw new Error(`settlement ${id} is ${s.state}, expected ${states.join('|')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function depositBoth(id: string) {
  const view = await waitForState(services().api, id, ['AWAITING_DEPOSITS']);
  await depositAs(manifest, view, 'seller');
  await depositAs(manifest, view, 'buyer');
}

beforeAll(async () => {
  await receiver.start();
  sdk = await KeystoneSdk.start();
  await sdk.client('main', lockstep(manifest.client.client_id, manifest.client.client_secret));
}, 300_000);
afterAll(async () => {
  await sdk?.stop();
  await receiver.stop();
});

describe(`KeyStone's Python SDK against Lockstep`, () => {
  it('lists and reads templates into its models', async () => {
    const page = await sdk.call<Page<{ slug: string; id: string; is_active: boolean; config: { actions: Record<string, { provider: string }> } }>>('main', 'templates.list');
    const standard = page.items.find((t) => t.slug === 'dvp-standard')!;
    expect(standard).toMatchObject({ is_active: true });
    expect(standard.config.actions.COMPLIANCE_CHECKING).toMatchObject({ provider: 'lockstep-screening', resolution: 'immediate' });
    expect(await sdk.call('main', 'templates.get', standard.id)).toMatchObject({ __model__: 'SettlementTemplate', slug: 'dvp-standard' });
    expect(await sdk.call('main', 'templates.get', 'dvp-review')).toMatchObject({ slug: 'dvp-review' });
  });

  it('creates a settlement by template_slug and follows it to FINALIZED', async () => {
    const body = settlementCreate();
    const created = await sdk.call<Settlement>('main', 'settlements.create', body);
    expect(created).toMatchObject({ __model__: 'Settlement', template_id: '00000000-0000-4000-8000-000000000001', external_reference: 'TRADE-2026-0042' });
    expect(created.parties.map((p) => p.status)).toEqual(['confirmed', 'confirmed']);
    expect(created.legs.map((l) => [l.quantity, l.status, l.external_reference])).toEqual([['100', 'pending', 'leg-asset'], ['50000.25', 'pending', null]]);
    // The same request again is the same settlement.
    expect((await sdk.call<Settlement>('main', 'settlements.create', body)).id).toBe(created.id);

    await depositBoth(created.id);
    const final = await sdkState(created.id, ['FINALIZED', 'ROLLED_BACK']);
    expect(final.state).toBe('FINALIZED');
    expect(final.legs.map((l) => l.status)).toEqual(['settled', 'settled']);

    const events = await sdk.call<Page<{ to_state: string; content_hash: string }>>('main', 'settlements.get_events', created.id);
    expect(events.items.map((e) => e.to_state).at(-1)).toBe('FINALIZED');
    expect(events.items.every((e) => /^[0-9a-f]{64}$/.test(e.content_hash))).toBe(true);
    const listed = await sdk.call<Page<Settlement>>('main', 'settlements.list', 'FINALIZED', 200, 0);
    expect(listed.items.map((s) => s.id)).toContain(created.id);
    expect(await sdk.call('main', 'settlements.get_related', created.id)).toMatchObject({ __model__: 'RepoRelatedResponse', opening: null, closing: null });
  });

  it('approves one flagged settlement and rejects another through compliance', async () => {
    // OFAC's AEROCARIBBEAN AIRLINES with a letter dropped scores 0.94: between the review and
    // fail thresholds, so the review template waits for a decision (the SDK sends no party attributes).
    const flagged = async () => {
      const s = await sdk.call<Settlement>('main', 'settlements.create', settlementCreate({ template_slug: 'dvp-review' }, 'Aerocaribean Airlines'));
      await sdkState(s.id, ['COMPLIANCE_CHECKING']);
      for (let i = 0; i < 100; i++) {
        if (await services().db.settlementEvent.findFirst({ where: { settlementId: s.id, triggeredBy: 'compliance:flagged' } })) return s.id;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`settlement ${s.id} was never flagged`);
    };
    const approvedId = await flagged();
    expect(await sdk.call<Settlement>('main', 'compliance.approve', approvedId)).toMatchObject({ __model__: 'Settlement', id: approvedId });
    await depositBoth(approvedId);
    expect((await sdkState(approvedId, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');

    const rejectedId = await flagged();
    await sdk.call('main', 'compliance.reject', rejectedId);
    expect((await sdkState(rejectedId, ['ROLLED_BACK', 'FINALIZED'])).state).toBe('ROLLED_BACK');
    // A decision where none is awaited is a conflict, through both of the SDK's ways of sending one.
    expect(await sdk.attempt('main', 'settlements.submit_compliance_decision', rejectedId, { decision: 'approve' })).toMatchObject({ ok: false, error: 'ConflictError', status_code: 409 });
  });

  it('submits both sides of a trade as instructions, reads, lists and cancels them, and the matched pair finalizes', async () => {
    type Instruction = { __model__: string; id: string; trade_reference: string; status: string; settlement_id: string | null };
    // An InstructionCreate as a platform builds one: unset optional fields go out as null.
    const instructionCreate = (role: 'seller' | 'buyer', trade_reference: string | null) => {
      const delivers = role === 'seller' ? 'DEMO' : 'USDC';
      return {
        trade_reference,
        idempotency_key: `sdk-${randomUUID()}`,
        template_slug: 'dvp-standard',
        role,
        party: { external_reference: `${role}-001`, name: role === 'seller' ? 'Bob (Seller)' : 'Alice (Buyer)', wallet_address: manifest.wallets[role].address },
        legs: [
          { leg_type: 'asset_delivery', instrument_id: 'DEMO', quantity: '100', direction: delivers === 'DEMO' ? 'deliver' : 'receive', token_standard: 'ERC-20' },
          { leg_type: 'payment', instrument_id: 'USDC', quantity: '50000.25', direction: delivers === 'USDC' ? 'deliver' : 'receive' },
        ],
        timeout_at: new Date(Date.now() + 5 * 60_000).toISOString(),
      };
    };
    const first = await sdk.call<Instruction>('main', 'instructions.submit', instructionCreate('seller', null));
    expect(first).toMatchObject({ __model__: 'Instruction', status: 'pending_match', settlement_id: null });
    const second = await sdk.call<Instruction>('main', 'instructions.submit', instructionCreate('buyer', first.trade_reference));
    expect(second).toMatchObject({ status: 'matched', trade_reference: first.trade_reference });
    expect(await sdk.call('main', 'instructions.get', first.id)).toMatchObject({ __model__: 'Instruction', status: 'matched', settlement_id: second.settlement_id });
    const matched = await sdk.call<Page<Instruction>>('main', 'instructions.list', 'matched', 200, 0);
    expect(matched.items.map((i) => i.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect((await sdk.call<Page<Instruction>>('main', 'instructions.list')).total).toBeGreaterThanOrEqual(2);

    await depositBoth(second.settlement_id!);
    expect((await sdkState(second.settlement_id!, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');

    const lone = await sdk.call<Instruction>('main', 'instructions.submit', instructionCreate('seller', null));
    expect(await sdk.call('main', 'instructions.cancel', lone.id)).toMatchObject({ __model__: 'Instruction', status: 'cancelled' });
    expect(await sdk.attempt('main', 'instructions.cancel', lone.id)).toMatchObject({ ok: false, error: 'ConflictError', status_code: 409 });
  });

  it('reads a cross-platform settlement, each platform with its own party and the counterparty as KeyStone shows one', async () => {
    type Party = { role: string; name: string | null; wallet_address: string | null; wallet_address_hint: string | null; counterparty_reference: string | null };
    const scopes = ['instructions:read', 'instructions:write', 'settlements:read'];
    for (const role of ['seller', 'buyer'] as const) {
      const client = await fixtureClient(services().db, { platform: `sdk-xp-${role}-${randomUUID()}`, environment: 'sandbox', name: role, scopes });
      await sdk.client(`xp-${role}`, lockstep(client.client_id, client.client_secret));
    }
    const sideOf = (role: 'seller' | 'buyer', trade_reference: string | null) => ({
      trade_reference,
      idempotency_key: `sdk-${randomUUID()}`,
      template_slug: 'dvp-standard',
      role,
      party: { external_reference: `${role}-xp`, name: role === 'seller' ? 'Bob (Seller)' : 'Alice (Buyer)', wallet_address: manifest.wallets[role].address },
      legs: [
        { leg_type: 'asset_delivery', instrument_id: 'DEMO', quantity: '100', direction: role === 'seller' ? 'deliver' : 'receive' },
        { leg_type: 'payment', instrument_id: 'USDC', quantity: '50000.25', direction: role === 'buyer' ? 'deliver' : 'receive' },
      ],
      timeout_at: new Date(Date.now() + 5 * 60_000).toISOString(),
    });
    const first = await sdk.call<{ trade_reference: string }>('xp-seller', 'instructions.submit', sideOf('seller', null));
    const second = await sdk.call<{ settlement_id: string }>('xp-buyer', 'instructions.submit', sideOf('buyer', first.trade_reference));
    for (const role of ['seller', 'buyer'] as const) {
      const seen = await sdk.call<Settlement & { settlement_type: string; parties: Party[] }>(`xp-${role}`, 'settlements.get', second.settlement_id);
      expect(seen).toMatchObject({ __model__: 'Settlement', settlement_type: 'cross_platform' });
      expect(seen.parties.find((p) => p.role === role)).toMatchObject({ name: expect.any(String), wallet_address: expect.any(String) });
      expect(seen.parties.find((p) => p.role !== role)).toMatchObject({ name: null, wallet_address: null, wallet_address_hint: expect.stringMatching(/^0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}$/), counterparty_reference: first.trade_reference });
      expect((await sdk.call<Page<Settlement>>(`xp-${role}`, 'settlements.list')).items.map((i) => i.id)).toContain(second.settlement_id);
    }
  });

  it('manages a webhook endpoint, tests it, reads its deliveries and verifies a delivery it received', async () => {
    interface Endpoint {
      __model__: string;
      id: string;
      url: string;
      is_active: boolean;
      events: string[];
      description: string | null;
      secret?: string;
    }
    const created = await sdk.call<Endpoint>('main', 'webhooks.create', { url: receiver.url, events: ['compliance.*', 'test.ping'] });
    expect(created).toMatchObject({ __model__: 'WebhookEndpointCreated', url: receiver.url, is_active: true, events: ['compliance.*', 'test.ping'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(await sdk.call('main', 'webhooks.get', created.id)).toMatchObject({ __model__: 'WebhookEndpoint', id: created.id });
    expect((await sdk.call<Page<Endpoint>>('main', 'webhooks.list')).items.map((e) => e.id)).toContain(created.id);

    const tested = await sdk.call<{ __model__: string; success: boolean; status_code: number | null }>('main', 'webhooks.test', created.id);
    expect(tested).toMatchObject({ __model__: 'WebhookTestResult', success: true, status_code: 200 });
    const ping = receiver.received.find((r) => r.json.event === 'test.ping' && r.json.data.endpoint_id === created.id)!;
    const signature = String(ping.headers['x-keystone-signature']);
    expect(await sdk.verify('main', ping.body, signature, created.secret!)).toMatchObject({ resource: true, util: true, computed: signature });
    expect(await sdk.verify('main', ping.body, signature, 'whsec_another')).toMatchObject({ resource: false, util: false });

    const deliveries = await sdk.call<Page<{ endpoint_id: string; event: string; success: boolean; response_status: number }>>('main', 'webhooks.list_deliveries', created.id);
    expect(deliveries.items[0]).toMatchObject({ endpoint_id: created.id, event: 'test.ping', success: true, response_status: 200 });

    const paused = await sdk.call<Endpoint>('main', 'webhooks.update', created.id, { is_active: false, description: 'paused by the SDK' });
    expect(paused).toMatchObject({ is_active: false, description: 'paused by the SDK' });
    expect(await sdk.call('main', 'webhooks.test', created.id)).toMatchObject({ success: false, status_code: null });
    expect(await sdk.call('main', 'webhooks.update', created.id, { is_active: true })).toMatchObject({ is_active: true });

    const rotated = await sdk.call<{ __model__: string; new_secret: string }>('main', 'webhooks.rotate_secret', created.id);
    expect(rotated).toMatchObject({ __model__: 'WebhookSecretRotationResult', new_secret: expect.stringMatching(/^whsec_/) });
    // During the overlap, the SDK's own check passes with the new secret.
    await sdk.call('main', 'webhooks.test', created.id);
    const second = receiver.received.filter((r) => r.json.event === 'test.ping' && r.json.data.endpoint_id === created.id).at(-1)!;
    expect((await sdk.verify('main', second.body, String(second.headers['x-keystone-signature']), rotated.new_secret)).resource).toBe(true);

    expect(await sdk.call('main', 'webhooks.delete', created.id)).toBeNull();
    expect(await sdk.attempt('main', 'webhooks.get', created.id)).toMatchObject({ ok: false, error: 'NotFoundError' });
  });

  it("manages the platform's environments, and a deactivated one's client is refused until it is reactivated", async () => {
    interface Environment {
      __model__: string;
      id: string;
      slug: string;
      name: string;
      is_active: boolean;
      rate_limit_rpm: number | null;
      default_timeout_seconds: number;
      auth0_client_id: string;
    }
    const listed = await sdk.call<Page<Environment>>('main', 'environments.list');
    const sandbox = listed.items.find((e) => e.slug === manifest.client.environment)!;
    expect(sandbox).toMatchObject({ is_active: true, auth0_client_id: expect.stringMatching(/^ls_/) });

    const slug = `sdk-${randomUUID().slice(0, 8)}`;
    const created = await sdk.call<Environment>('main', 'environments.create', { name: 'SDK staging', slug, auth0_client_id: 'auth0|staging-m2m' });
    expect(created).toMatchObject({ __model__: 'Environment', slug, name: 'SDK staging', is_active: true, default_timeout_seconds: 3600, auth0_client_id: 'auth0|staging-m2m' });
    expect(await sdk.call('main', 'environments.get', created.id)).toMatchObject({ id: created.id, slug });
    expect(await sdk.call('main', 'environments.update', created.id, { rate_limit_rpm: 100, default_timeout_seconds: 7200 })).toMatchObject({ rate_limit_rpm: 100, default_timeout_seconds: 7200 });
    // KeyStone's environment webhook is an endpoint of that environment, for every event, signed with the given secret.
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(await sdk.call('main', 'environments.update', created.id, { webhook_url: receiver.url, webhook_secret: secret })).toMatchObject({ webhook_url: receiver.url });
    const hook = await services().db.webhookEndpoint.findFirst({ where: { environment: slug, url: receiver.url } });
    expect(hook).toMatchObject({ events: ['*'], status: 'active' });
    expect(await sdk.call('main', 'environments.update', created.id, { webhook_url: null })).toMatchObject({ webhook_url: null });
    expect(await services().db.webhookEndpoint.findUnique({ where: { id: hook!.id } })).toBeNull();

    const staging = await fixtureClient(services().db, { platform: 'demo-platform', environment: slug, name: 'staging', scopes: ['templates:read'] });
    await sdk.client('staging', lockstep(staging.client_id, staging.client_secret));
    await sdk.call('staging', 'templates.list');
    expect(await sdk.call('main', 'environments.deactivate', created.id)).toMatchObject({ __model__: 'Environment', is_active: false });
    // Its token fails at once, and a new one is refused.
    expect(await sdk.attempt('staging', 'templates.list')).toMatchObject({ ok: false, error: 'AuthenticationError' });
    await sdk.client('staging-again', lockstep(staging.client_id, staging.client_secret));
    expect(await sdk.attempt('staging-again', 'templates.list')).toMatchObject({ ok: false, error: 'AuthenticationError', detail: expect.stringMatching(/deactivated/) });
    expect(await sdk.call('main', 'environments.update', created.id, { is_active: true })).toMatchObject({ is_active: true });
    await sdk.client('staging-back', lockstep(staging.client_id, staging.client_secret));
    await sdk.call('staging-back', 'templates.list');

    // Its own environment an admin cannot switch off, nor anything of another platform's.
    expect(await sdk.attempt('main', 'environments.deactivate', sandbox.id)).toMatchObject({ ok: false, error: 'ConflictError' });
    expect(await sdk.attempt('main', 'environments.get', randomUUID())).toMatchObject({ ok: false, error: 'NotFoundError' });
  });

  it("raises the SDK's typed errors where KeyStone would", async () => {
    const fail = async (client: string, method: string, ...args: unknown[]) => {
      const answer = await sdk.attempt(client, method, ...args);
      expect(answer.ok, JSON.stringify(answer)).toBe(false);
      return answer as SdkError;
    };
    expect(await fail('main', 'settlements.get', randomUUID())).toMatchObject({ error: 'NotFoundError', status_code: 404 });

    const body = settlementCreate();
    await sdk.call('main', 'settlements.create', body);
    expect(await fail('main', 'settlements.create', { ...body, external_reference: 'another' })).toMatchObject({ error: 'ConflictError', status_code: 409 });

    const unknown = await fail('main', 'settlements.create', settlementCreate({ template_slug: 'no-such-template' }));
    expect(unknown).toMatchObject({ error: 'ValidationError', status_code: 422, detail: [{ loc: ['body', 'template_slug'], type: 'not_found' }] });

    const { db } = services();
    const reader = await fixtureClient(db, { platform: 'sdk-platform', environment: 'sandbox', name: 'reader', scopes: ['settlements:read', 'templates:read'] });
    await sdk.client('reader', lockstep(reader.client_id, reader.client_secret));
    expect(await fail('reader', 'settlements.create', settlementCreate())).toMatchObject({ error: 'ForbiddenError', status_code: 403 });

    await sdk.client('wrong-secret', lockstep(reader.client_id, 'lss_not-the-secret'));
    expect(await fail('wrong-secret', 'templates.list')).toMatchObject({ error: 'AuthenticationError' });
    // KeyStone's own audience is refused unless the operator accepts it (JWT_ACCEPTED_AUDIENCES), and the error says what to ask for.
    await sdk.client('keystone-audience', lockstep(reader.client_id, reader.client_secret, 'https://api.keystoneos.xyz'));
    expect((await fail('keystone-audience', 'templates.list')).detail).toMatch(new RegExp(`not accepted here: ask for ${manifest.client.audience}`));

    const limited = await fixtureClient(db, { platform: 'sdk-platform', environment: 'limited', name: 'limited', scopes: ['templates:read'] });
    await setRateLimit(db, 'sdk-platform', 'limited', 2);
    await sdk.client('limited', lockstep(limited.client_id, limited.client_secret));
    await sdk.call('limited', 'templates.list');
    await sdk.call('limited', 'templates.list');
    const limitedAnswer = await fail('limited', 'templates.list');
    expect(limitedAnswer).toMatchObject({ error: 'RateLimitError', status_code: 429 });
    expect(limitedAnswer.retry_after).toBeGreaterThan(0);
    expect(limitedAnswer.retry_after).toBeLessThanOrEqual(60);
  });
});
