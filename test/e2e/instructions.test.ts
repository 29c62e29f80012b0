// Bilateral instructions on the real stack: each counterparty submits its own side, the pair
// that matches becomes one settlement driven to FINALIZED, a side that does not match says
// why, two platforms' sides make a cross-platform settlement each sees as its own, and
// matching is exactly once across two API processes.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { instructionSchema } from '../../api/responses.ts';
import { freePort } from '../../stack/ports.ts';
import { serviceProcess } from '../../stack/services.ts';
import { fixtureClient } from '../support/clients.ts';
import { Receiver } from '../support/receiver.ts';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, instructionSide, waitForState } from '../support/settlements.ts';

const TTL_SECONDS = 10;
const { manifest, secrets, dataDir } = stackContext();
const services = withServices({ api: { INSTRUCTION_TTL_SECONDS: String(TTL_SECONDS) } });
const api = () => services().api;
type Instruction = ReturnType<typeof instructionSchema.parse>;

const side = (role: 'seller' | 'buyer', overrides: Record<string, unknown> = {}) => instructionSide(manifest, role, overrides);
const submit = async (body: unknown, as = api()) => instructionSchema.parse(await as.request('POST', '/v1/instructions', body));
const get = async (id: string) => instructionSchema.parse(await api().request('GET', `/v1/instructions/${id}`));
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ApiRequestError) => e);

describe('instructions on one platform', () => {
  it('matches two sides into one settlement that finalizes', async () => {
    const first = await submit(side('seller'));
    expect(first).toMatchObject({ status: 'pending_match', settlement_id: null, role: 'seller', mismatches: [] });
    expect(first.trade_reference).toMatch(/^KS-[0-9a-f-]{36}$/);
    expect(new Date(first.expires_at).getTime()).toBeLessThanOrEqual(Date.now() + TTL_SECONDS * 1000);
    // Never later than a settlement made from it could still start in time (MIN_TIMEOUT_LEAD_SECONDS is 5 here).
    expect(new Date(first.expires_at).getTime()).toBeLessThanOrEqual(new Date(first.timeout_at).getTime() - 5000);

    // The same quantity written another way is the same quantity.
    const second = await submit(side('buyer', { trade_reference: first.trade_reference, legs: [...side('buyer').legs.slice(0, 1).map((l) => ({ ...l, quantity: '100.000' })), side('buyer').legs[1]] }));
    expect(second).toMatchObject({ status: 'matched', trade_reference: first.trade_reference });
    expect(second.settlement_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await get(first.id)).toMatchObject({ status: 'matched', settlement_id: second.settlement_id });

    const settlement = await waitForState(api(), second.settlement_id!, ['AWAITING_DEPOSITS']);
    expect(settlement).toMatchObject({ external_reference: first.trade_reference });
    expect(settlement.parties.map((p) => [p.role, p.external_reference]).sort()).toEqual([['buyer', 'buyer-ref'], ['seller', 'seller-ref']]);
    expect(settlement.legs.map((l) => [l.from_role, l.to_role, l.amount])).toEqual([['seller', 'buyer', `100${'0'.repeat(18)}`], ['buyer', 'seller', '50000250000']]);
    await depositAs(manifest, settlement, 'seller');
    await depositAs(manifest, settlement, 'buyer');
    expect((await waitForState(api(), settlement.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');

    // A third side for a matched trade is refused.
    expect(await failure(submit(side('buyer', { trade_reference: first.trade_reference })))).toMatchObject({ status: 409, body: { code: 'trade_already_matched' } });
  });

  it('leaves a side that does not match pending, listing why, and matches the right one after it', async () => {
    const first = await submit(side('seller'));
    const wrong = await submit(side('buyer', { trade_reference: first.trade_reference, legs: [side('buyer').legs[0], { ...side('buyer').legs[1], quantity: '50000.2' }] }));
    expect(wrong).toMatchObject({
      status: 'pending_match', settlement_id: null,
      mismatches: [{ field: 'legs[1].quantity', ours: '50000.2', theirs: '50000.25', reason: 'the quantities differ' }],
    });
    const right = await submit(side('buyer', { trade_reference: first.trade_reference }));
    expect(right.status).toBe('matched');
    expect((await get(wrong.id)).status).toBe('pending_match');
  });

  // Each matching rule broken alone: the second side stays pending and names exactly that.
  const buyerLegs = () => side('buyer').legs;
  it.each([
    ['another template', { template_slug: 'dvp-review' }, ['template_slug']],
    ['the same role', { role: 'seller' }, ['role']],
    ['a role the template does not have', { role: 'custodian' }, ['role']],
    ['another quantity', { legs: [{ ...buyerLegs()[0], quantity: '101' }, buyerLegs()[1]] }, ['legs[0].quantity']],
    ['the same direction', { legs: [{ ...buyerLegs()[0], direction: 'deliver' }, buyerLegs()[1]] }, ['legs[0].direction']],
    ['another leg type', { legs: [buyerLegs()[0], { ...buyerLegs()[1], leg_type: 'asset' }] }, ['legs[1].leg_type']],
    ['a leg fewer', { legs: [buyerLegs()[0]] }, ['legs']],
    ['another instrument', { legs: [buyerLegs()[0], { ...buyerLegs()[1], instrument_id: 'DEMO' }] }, ['legs[1].instrument_id', 'legs']],
  ])('does not match a side with %s, and says so', async (_rule, change, fields) => {
    const first = await submit(side('seller'));
    const second = await submit(side('buyer', { trade_reference: first.trade_reference, ...change }));
    expect(second).toMatchObject({ status: 'pending_match', settlement_id: null });
    expect(second.mismatches.map((m) => m.field)).toEqual(fields);
    expect((await get(first.id)).status).toBe('pending_match');
  });

  it('is idempotent by idempotency_key, and 409 for the key with another body', async () => {
    const body = side('seller');
    const first = await api().request<Instruction>('POST', '/v1/instructions', body);
    const again = await fetch(`${manifest.api_url}/v1/instructions`, {
      method: 'POST', headers: { authorization: `Bearer ${await tokenOf()}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Instruction).id).toBe(first.id);
    expect(await failure(submit({ ...body, role: 'buyer' }))).toMatchObject({ status: 409, body: { code: 'idempotency_key_reused' } });
  });

  it('cancels a pending side once, and a cancelled side never matches', async () => {
    const first = await submit(side('seller'));
    expect(instructionSchema.parse(await api().request('DELETE', `/v1/instructions/${first.id}`))).toMatchObject({ status: 'cancelled' });
    expect(await failure(api().request('DELETE', `/v1/instructions/${first.id}`))).toMatchObject({ status: 409, body: { detail: 'Instruction is not cancellable' } });
    expect(await submit(side('buyer', { trade_reference: first.trade_reference }))).toMatchObject({ status: 'pending_match', settlement_id: null });
    const listed = await api().request<{ items: Instruction[] }>('GET', `/v1/instructions?trade_reference=${first.trade_reference}&status=cancelled`);
    expect(listed.items.map((i) => i.id)).toEqual([first.id]);
  });

  it('expires a side after its time to live; an expired side never matches', async () => {
    const first = await submit(side('seller'));
    await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000 + 500));
    expect(await get(first.id)).toMatchObject({ status: 'expired' });
    expect(await submit(side('buyer', { trade_reference: first.trade_reference }))).toMatchObject({ status: 'pending_match', mismatches: [] });
    expect(await failure(api().request('DELETE', `/v1/instructions/${first.id}`))).toMatchObject({ status: 409 });
    const expired = await api().request<{ items: Instruction[] }>('GET', `/v1/instructions?trade_reference=${first.trade_reference}&status=expired`);
    expect(expired.items.map((i) => i.id)).toEqual([first.id]);
  });

  it('tells the submitting platform of each match, cancel and expiry by webhook', async () => {
    const receiver = await new Receiver().start();
    try {
      const client = await fixtureClient(services().db, { platform: 'instructions-hooks', environment: 'sandbox', name: 'hooks', scopes: ['instructions:read', 'instructions:write', 'platform:webhooks:manage'] });
      const as = new LockstepApi(manifest.api_url);
      await as.authenticate(client.client_id, client.client_secret);
      await as.request('POST', '/v1/platforms/me/webhooks', { url: receiver.url, events: ['instruction.*'] });
      const first = await submit(side('seller'), as);
      const second = await submit(side('buyer', { trade_reference: first.trade_reference }), as);
      const cancelled = await submit(side('seller'), as);
      await as.request('DELETE', `/v1/instructions/${cancelled.id}`);
      const lapsing = await submit(side('seller'), as);
      const got = await receiver.waitFor((r) => r.length >= 4, (TTL_SECONDS + 10) * 1000);
      // Instruction events are not a settlement's, so they come in no set order among themselves.
      const events = got.map((r) => [r.json.event, r.json.data.instruction_id, r.json.data.status]);
      expect(events).toHaveLength(4);
      expect(events).toEqual(expect.arrayContaining([
        ['instruction.matched', second.id, 'matched'],
        ['instruction.matched', first.id, 'matched'],
        ['instruction.cancelled', cancelled.id, 'cancelled'],
        ['instruction.expired', lapsing.id, 'expired'],
      ]));
      expect(got.find((r) => r.json.event === 'instruction.matched')!.json.data).toMatchObject({ trade_reference: first.trade_reference, settlement_id: second.settlement_id });
      expect(await get(lapsing.id).catch(() => null)).toBeNull(); // another platform's instruction: not found
      expect((await services().db.instruction.findUniqueOrThrow({ where: { id: lapsing.id } })).status).toBe('expired');
    } finally {
      await receiver.stop();
    }
  });

  it('answers 404 for an unknown instruction and 422 for a template it does not know', async () => {
    expect(await failure(api().request('GET', `/v1/instructions/${randomUUID()}`))).toMatchObject({ status: 404 });
    expect(await failure(submit(side('seller', { template_slug: 'no-such-template' })))).toMatchObject({ status: 422 });
  });
});

describe('instructions across two platforms', () => {
  const scopes = ['instructions:read', 'instructions:write', 'settlements:read', 'platform:webhooks:manage', 'admin'];
  const platformApi = async (platform: string) => {
    const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name: platform, scopes });
    const as = new LockstepApi(manifest.api_url);
    await as.authenticate(client.client_id, client.client_secret);
    return as;
  };

  it('makes one cross-platform settlement that each platform sees with its own party only, and tells each of its own', async () => {
    const [sellers, buyers] = await Promise.all([platformApi(`xp-sellers-${randomUUID()}`), platformApi(`xp-buyers-${randomUUID()}`)]);
    const receivers = await Promise.all([new Receiver().start(), new Receiver().start()]);
    try {
      await sellers.request('POST', '/v1/platforms/me/webhooks', { url: receivers[0].url, events: ['instruction.*', 'settlement.*'] });
      await buyers.request('POST', '/v1/platforms/me/webhooks', { url: receivers[1].url, events: ['instruction.*', 'settlement.*'] });
      const sell = await submit(side('seller'), sellers);
      const buy = await submit(side('buyer', { trade_reference: sell.trade_reference }), buyers);
      expect(buy).toMatchObject({ status: 'matched' });
      const id = buy.settlement_id!;

      // Each platform sees the settlement, its own party in full and the other's as a counterparty.
      const views = { seller: await waitForState(sellers, id, ['AWAITING_DEPOSITS']), buyer: await waitForState(buyers, id, ['AWAITING_DEPOSITS']) };
      for (const [own, view] of Object.entries(views)) {
        expect(view).toMatchObject({ settlement_type: 'cross_platform', external_reference: sell.trade_reference });
        const mine = view.parties.find((p) => p.role === own)!;
        const theirs = view.parties.find((p) => p.role !== own)!;
        expect(mine).toMatchObject({ external_reference: `${own}-ref`, wallet_address: manifest.wallets[own as 'seller'].address, wallet_address_hint: null, counterparty_reference: sell.trade_reference });
        expect(theirs).toMatchObject({ external_reference: null, name: null, wallet_address: null, counterparty_reference: sell.trade_reference });
        const wallet = manifest.wallets[theirs.role as 'seller'].address;
        expect(theirs.wallet_address_hint).toBe(`${wallet.slice(0, 6)}…${wallet.slice(-4)}`);
        expect(JSON.stringify(view)).not.toContain(`${String(theirs.role)}-ref`);
        // Deposit transactions for its own party's legs only.
        expect(view.legs.map((l) => l.deposit.instructions !== null)).toEqual(view.legs.map((l) => l.from_role === own));
      }
      for (const as of [sellers, buyers]) {
        expect((await as.request<{ items: { id: string }[] }>('GET', '/v1/settlements?limit=50')).items.map((s) => s.id)).toContain(id);
      }
      // Neither reads, cancels or acts on what is the other's.
      for (const [as, other] of [[sellers, buy], [buyers, sell]] as const) {
        expect(await failure(as.request('GET', `/v1/instructions/${other.id}`))).toMatchObject({ status: 404 });
        expect(await failure(as.request('DELETE', `/v1/instructions/${other.id}`))).toMatchObject({ status: 404 });
      }
      expect(await failure(buyers.request('POST', `/v1/admin/settlements/${id}/cancel`, { reason: 'not mine to cancel' }))).toMatchObject({ status: 404 });

      await depositAs(manifest, views.seller, 'seller');
      await depositAs(manifest, views.buyer, 'buyer');
      expect((await waitForState(buyers, id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');

      // Each platform hears of its own instruction's match and of every step of the settlement.
      const finalized = (r: { json: { event: string } }[]) => r.some((e) => e.json.event === 'settlement.state.finalized');
      const [toSellers, toBuyers] = await Promise.all([receivers[0].waitFor(finalized, 30_000), receivers[1].waitFor(finalized, 30_000)]);
      for (const [got, own, other] of [[toSellers, sell, buy], [toBuyers, buy, sell]] as const) {
        const matched = got.filter((r) => r.json.event === 'instruction.matched').map((r) => r.json.data.instruction_id);
        expect(matched).toEqual([own.id]);
        expect(JSON.stringify(got.map((r) => r.json))).not.toContain(other.id);
        expect(got.filter((r) => r.json.event.startsWith('settlement.')).every((r) => r.json.data.settlement_id === id)).toBe(true);
      }
      const steps = (got: typeof toSellers) => got.filter((r) => r.json.event.startsWith('settlement.state.')).map((r) => r.json.event);
      expect(steps(toSellers)).toEqual(steps(toBuyers));
    } finally {
      await Promise.all(receivers.map((r) => r.stop()));
    }
  });

  it('keeps a reference a platform chose to itself: another platform cannot match or probe it', async () => {
    const [a, b] = await Promise.all([platformApi(`xp-a-${randomUUID()}`), platformApi(`xp-b-${randomUUID()}`)]);
    const reference = `TRADE-${randomUUID().slice(0, 8)}`;
    const first = await submit(side('seller', { trade_reference: reference }), a);
    // A guess of it finds nothing of the first platform's side: no match, and no terms to compare.
    expect(await submit(side('buyer', { trade_reference: reference }), b)).toMatchObject({ status: 'pending_match', mismatches: [] });
    expect(instructionSchema.parse(await a.request('GET', `/v1/instructions/${first.id}`))).toMatchObject({ status: 'pending_match' });
    // Its own platform's counterparty matches it.
    expect(await submit(side('buyer', { trade_reference: reference }), a)).toMatchObject({ status: 'matched' });
  });
});

async function tokenOf(): Promise<string> {
  const as = new LockstepApi(manifest.api_url);
  return as.authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);
}

describe('matching under concurrency', () => {
  const second: ReturnType<typeof serviceProcess>[] = [];
  let otherUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    otherUrl = `http://127.0.0.1:${port}`;
    // Its own log folder: a process started on another's log file would end that one as an orphan.
    const logDir = join(dataDir, 'logs', 'instructions-api-b');
    mkdirSync(logDir, { recursive: true });
    second.push(await serviceProcess('api', manifest, secrets, { logDir, env: { API_PORT: String(port), RATE_LIMIT_PER_MINUTE: '1000000', MIN_TIMEOUT_LEAD_SECONDS: '5' } }).start());
  });
  afterAll(async () => Promise.all(second.map((p) => p.stop())));

  it('makes exactly one settlement per trade when both sides arrive at once through two API processes', async () => {
    const other = new LockstepApi(otherUrl);
    await other.authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);
    const trades = Array.from({ length: 50 }, () => `KS-${randomUUID()}`);
    // As a careful client does: a 503 (no database connection free in time, under a burst like
    // this one on a loaded machine) is sent again, the same side with the same key.
    const submitPatiently = async (body: ReturnType<typeof side>, as?: LockstepApi): Promise<Instruction> => {
      for (;;) {
        try {
          return await submit(body, as);
        } catch (err) {
          if (!(err instanceof ApiRequestError && err.status === 503)) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    };
    const answers = await Promise.allSettled(
      trades.flatMap((ref) => [submitPatiently(side('seller', { trade_reference: ref })), submitPatiently(side('buyer', { trade_reference: ref }), other)]),
    );
    const refused = answers.flatMap((a) => (a.status === 'rejected' ? [String(a.reason) + JSON.stringify((a.reason as ApiRequestError).body ?? {})] : []));
    expect(refused).toEqual([]);
    const sides = answers.map((a) => (a as PromiseFulfilledResult<Instruction>).value);
    for (const ref of trades) {
      const listed = await api().request<{ items: Instruction[] }>('GET', `/v1/instructions?trade_reference=${ref}`);
      expect(listed.items.map((i) => i.status), ref).toEqual(['matched', 'matched']);
      expect(new Set(listed.items.map((i) => i.settlement_id)).size, ref).toBe(1);
    }
    const settlementIds = new Set(sides.map((s) => s.settlement_id).filter(Boolean));
    const made = await services().db.settlement.count({ where: { externalReference: { in: trades } } });
    expect([settlementIds.size, made]).toEqual([50, 50]);
  });
});
