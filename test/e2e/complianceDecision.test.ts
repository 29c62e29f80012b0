import { describe, expect, it } from 'vitest';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { suppressionResponseSchema } from '../../api/responses.ts';
import { fixtureClient } from '../support/clients.ts';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, dvpInstruction, flaggedInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();
const api = () => services().api;

async function flaggedSettlement(template: string, timeoutMs = 5 * 60_000, corroborated = true, as = api()): Promise<string> {
  return (await as.request<SettlementView>('POST', '/v1/settlements', flaggedInstruction(manifest, template, timeoutMs, corroborated))).id;
}

async function clientOf(platform: string, name: string, scopes: string[]): Promise<LockstepApi> {
  const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name, scopes });
  const as = new LockstepApi(manifest.api_url);
  await as.authenticate(client.client_id, client.client_secret);
  return as;
}

const decide = (id: string, decision: string, reason = '', as = api()) =>
  as.request<SettlementView>('POST', `/v1/settlements/${id}/compliance-decision`, { decision, reason }).catch((e: ApiRequestError) => e);

async function waitUntilAwaitingDecision(id: string) {
  for (let i = 0; i < 100; i++) {
    const flag = await services().db.settlementEvent.findFirst({ where: { settlementId: id, triggeredBy: 'compliance:flagged' } });
    if (flag) return flag;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`settlement ${id} was never flagged`);
}

const trail = (id: string) => services().db.settlementEvent.findMany({ where: { settlementId: id }, orderBy: { sequence: 'asc' } });

describe('compliance decisions (dvp-review)', () => {
  it('waits on a flag, records it, and finalizes after approval', async () => {
    const id = await flaggedSettlement('dvp-review');
    const flag = await waitUntilAwaitingDecision(id);
    expect(flag).toMatchObject({ fromState: 'COMPLIANCE_CHECKING', toState: 'COMPLIANCE_CHECKING' });
    expect(flag.payload).toMatchObject({
      screening: { outcome: 'flagged', matches: [{ entryId: '4107', quality: 'weak', exact: false, reason: expect.stringMatching(/date of birth agrees.*country agrees/) }] },
    });
    const view = await api().request<SettlementView>('GET', `/v1/settlements/${id}`);
    expect(view.state).toBe('COMPLIANCE_CHECKING');
    expect(view.parties[0]).toMatchObject({ entity_type: 'individual', country: 'CO', date_of_birth: '1939-01-31' });

    const approved = await decide(id, 'approve', 'namesake, checked the passport');
    expect(approved).not.toBeInstanceOf(ApiRequestError);
    const awaiting = await waitForState(api(), id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    await waitForState(api(), id, ['FINALIZED']);
    const cleared = (await trail(id)).find((e) => e.toState === 'COMPLIANCE_CLEARED')!;
    expect(cleared.payload).toMatchObject({ decision: 'approve', decision_reason: 'namesake, checked the passport', decided_by: manifest.client.client_id });

    // Once decided, nothing waits for another decision.
    expect(await decide(id, 'reject')).toMatchObject({ status: 409, body: { detail: 'Settlement is not awaiting a compliance decision' } });
  });

  it('rolls back when the reviewer rejects', async () => {
    const id = await flaggedSettlement('dvp-review');
    await waitUntilAwaitingDecision(id);
    await decide(id, 'reject', 'same person');
    const done = await waitForState(api(), id, ['ROLLED_BACK', 'FINALIZED']);
    expect(done.state).toBe('ROLLED_BACK');
    expect(done.failure_reason).toMatch(/reviewer rejected the settlement: same person/);
    expect((await trail(id)).map((e) => e.toState)).not.toContain('REGISTERING_ESCROW');
  });

  it('times out to TIMED_OUT when nobody decides before timeout_at', async () => {
    const id = await flaggedSettlement('dvp-review', 8_000);
    await waitUntilAwaitingDecision(id);
    const done = await waitForState(api(), id, ['TIMED_OUT', 'ROLLED_BACK'], 30_000);
    expect(done).toMatchObject({ state: 'TIMED_OUT', failure_reason: 'timeout_at passed while awaiting a compliance decision' });
  });

  it('flags a party one typo away from a listed name, naming the entry, and fails it under dvp-standard', async () => {
    const typoed = (template: string) => {
      const body = dvpInstruction(manifest, { template_id: template });
      body.parties[1]!.name = 'Aqxa'; // OFAC entry 18341 is "AQUA"
      return api().request<SettlementView>('POST', '/v1/settlements', body);
    };
    const review = await typoed('dvp-review');
    const flag = await waitUntilAwaitingDecision(review.id);
    expect(flag.payload).toMatchObject({
      screening: { outcome: 'flagged', matches: [{ partyRole: 'seller', entryId: '18341', matched: 'AQUA', quality: 'strong', score: 0.9 }] },
    });
    const standard = await typoed('dvp-standard');
    expect(await waitForState(api(), standard.id, ['ROLLED_BACK', 'AWAITING_DEPOSITS'])).toMatchObject({ state: 'ROLLED_BACK' });
  });

  it('clears a suppressed party next time, flags it again once its name changes, and never suppresses an exact hit', async () => {
    const withSeller = (name: string, template = 'dvp-review') => {
      const body = dvpInstruction(manifest, { template_id: template });
      body.parties[1]!.name = name;
      return api().request<SettlementView>('POST', '/v1/settlements', body);
    };
    const first = await withSeller('Aqxa');
    await waitUntilAwaitingDecision(first.id);
    const suppression = await api().request('POST', '/v1/compliance/suppressions', {
      settlement_id: first.id, party_role: 'seller', list: 'ofac-sdn', entry_id: '18341', reason: 'another company: checked the registry',
    });
    expect(suppressionResponseSchema.parse(suppression)).toMatchObject({
      entry_id: '18341', entry_name: 'AQUA', status: 'active', created_by: manifest.client.client_id,
      history: [{ action: 'created', actor: manifest.client.client_id, reason: 'another company: checked the registry' }],
    });
    await decide(first.id, 'approve');

    const again = await withSeller('Aqxa');
    await waitForState(api(), again.id, ['AWAITING_DEPOSITS']);
    const cleared = (await trail(again.id)).find((e) => e.toState === 'COMPLIANCE_CLEARED')!;
    expect(cleared.payload).toMatchObject({ screening: { outcome: 'cleared', matches: [], suppressed: [{ entryId: '18341' }] } });

    const renamed = await withSeller('Aqwa');
    expect((await waitUntilAwaitingDecision(renamed.id)).payload).toMatchObject({ screening: { outcome: 'flagged' } });

    // Listed, revoked (the match counts again), and recorded again: each step in its history.
    const { id: suppressionId } = suppressionResponseSchema.parse(suppression);
    const listed = await api().request<{ items: { id: string }[] }>('GET', '/v1/compliance/suppressions?status=active&limit=200');
    expect(listed.items.map((i) => i.id)).toContain(suppressionId);
    const revoked = suppressionResponseSchema.parse(await api().request('POST', `/v1/compliance/suppressions/${suppressionId}/revoke`, { reason: 'registry entry was stale' }));
    expect(revoked).toMatchObject({ status: 'revoked', history: [{ action: 'created' }, { action: 'revoked', reason: 'registry entry was stale' }] });
    const afterRevoke = await withSeller('Aqxa');
    expect((await waitUntilAwaitingDecision(afterRevoke.id)).payload).toMatchObject({ screening: { outcome: 'flagged', suppressed: [] } });
    const again2 = await api().request('POST', '/v1/compliance/suppressions', {
      settlement_id: afterRevoke.id, party_role: 'seller', list: 'ofac-sdn', entry_id: '18341', reason: 'checked again',
    });
    expect(suppressionResponseSchema.parse(again2)).toMatchObject({ id: suppressionId, status: 'active', history: [{ action: 'created' }, { action: 'revoked' }, { action: 'reactivated' }] });
    expect(suppressionResponseSchema.parse(await api().request('GET', `/v1/compliance/suppressions/${suppressionId}`)).history).toHaveLength(3);
    expect(await api().request('GET', '/v1/compliance/suppressions/00000000-0000-4000-8000-000000000099').catch((e: ApiRequestError) => e)).toMatchObject({ status: 404 });
    expect(await api().request('POST', `/v1/compliance/suppressions/${suppressionId}/revoke`, {}).catch((e: ApiRequestError) => e)).toMatchObject({ status: 422 });

    const exact = await withSeller('Banco Nacional de Cuba', 'dvp-standard');
    await waitForState(api(), exact.id, ['ROLLED_BACK']);
    const refused = await api()
      .request('POST', '/v1/compliance/suppressions', { settlement_id: exact.id, party_role: 'seller', list: 'ofac-sdn', entry_id: '306', reason: 'no' })
      .catch((e: ApiRequestError) => e);
    expect(refused).toMatchObject({ status: 422, body: { long_message: expect.stringMatching(/exact hit cannot be suppressed/) } });
  });

  it('clears a hit on a weak alias that nothing about the party corroborates', async () => {
    const id = await flaggedSettlement('dvp-standard', 5 * 60_000, false);
    await waitForState(api(), id, ['AWAITING_DEPOSITS']);
    const cleared = (await trail(id)).find((e) => e.toState === 'COMPLIANCE_CLEARED')!;
    expect(cleared.payload).toMatchObject({ screening: { outcome: 'cleared', matches: [] } });
  });

  it('fails a flag outright under dvp-standard, which does not review', async () => {
    const id = await flaggedSettlement('dvp-standard');
    const done = await waitForState(api(), id, ['ROLLED_BACK', 'AWAITING_DEPOSITS']);
    expect(done).toMatchObject({ state: 'ROLLED_BACK', failure_reason: expect.stringMatching(/screening flagged/) });
  });

  it('answers 409 for a settlement that is not waiting, 404 for an unknown one, 403 without the scope', async () => {
    const plain = await api().request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    await waitForState(api(), plain.id, ['AWAITING_DEPOSITS']);
    expect(await decide(plain.id, 'approve')).toMatchObject({ status: 409, body: { code: 'not_awaiting_decision' } });
    expect(await decide('00000000-0000-4000-8000-000000000099', 'approve')).toMatchObject({ status: 404 });
    expect(await decide(plain.id, 'maybe')).toMatchObject({ status: 422 });

    const client = await fixtureClient(services().db, { platform: 'demo-platform', environment: 'sandbox', name: 'viewer', scopes: ['settlements:read'] });
    const viewer = new LockstepApi(manifest.api_url);
    await viewer.authenticate(client.client_id, client.client_secret);
    const id = await flaggedSettlement('dvp-review');
    await waitUntilAwaitingDecision(id);
    expect(await decide(id, 'approve', '', viewer)).toMatchObject({ status: 403 });
  });
});

describe('separation of duties', () => {
  it('asks for compliance:review to suppress a match, whoever created the settlement', async () => {
    const writer = await clientOf('duties-platform', 'writer', ['settlements:read', 'settlements:write']);
    const id = await flaggedSettlement('dvp-review', 5 * 60_000, true, writer);
    await waitUntilAwaitingDecision(id);
    const suppress = (as: LockstepApi) =>
      as.request('POST', '/v1/compliance/suppressions', { settlement_id: id, party_role: 'buyer', list: 'ofac-sdn', entry_id: '4107', reason: 'namesake' }).catch((e: ApiRequestError) => e);
    expect(await suppress(writer)).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/compliance:review/) } });
    const reviewer = await clientOf('duties-platform', 'reviewer', ['compliance:review']);
    expect(suppressionResponseSchema.parse(await suppress(reviewer))).toMatchObject({ entry_id: '4107', status: 'active' });
    // Without four eyes, KeyStone's rule: the creator's settlements:write decides.
    expect(await decide(id, 'approve', 'namesake', writer)).not.toBeInstanceOf(ApiRequestError);
  });

  it("under the environment's four_eyes, a decision needs a reviewer who did not create the settlement", async () => {
    const admin = await clientOf('four-eyes-platform', 'admin', ['settlements:read', 'settlements:write', 'compliance:review', 'admin']);
    const writer = await clientOf('four-eyes-platform', 'writer', ['settlements:read', 'settlements:write']);
    const reviewer = await clientOf('four-eyes-platform', 'reviewer', ['compliance:review']);
    const environments = await admin.request<{ items: { id: string; slug: string; four_eyes: boolean }[] }>('GET', '/v1/platforms/me/environments');
    const sandbox = environments.items.find((e) => e.slug === 'sandbox')!;
    expect(sandbox.four_eyes).toBe(false);
    expect(await admin.request('PATCH', `/v1/platforms/me/environments/${sandbox.id}`, { four_eyes: true })).toMatchObject({ four_eyes: true });

    const byWriter = await flaggedSettlement('dvp-review', 5 * 60_000, true, writer);
    await waitUntilAwaitingDecision(byWriter);
    expect(await decide(byWriter, 'approve', '', writer)).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/needs the "compliance:review" scope/) } });
    // A client that holds both scopes is still one pair of eyes for what it created.
    const byAdmin = await flaggedSettlement('dvp-review', 5 * 60_000, true, admin);
    await waitUntilAwaitingDecision(byAdmin);
    expect(await decide(byAdmin, 'approve', '', admin)).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/created the settlement cannot decide it/) } });

    const approved = await decide(byWriter, 'approve', 'second pair of eyes', reviewer);
    expect(approved).not.toBeInstanceOf(ApiRequestError);
    expect(await decide(byAdmin, 'reject', 'second pair of eyes', reviewer)).not.toBeInstanceOf(ApiRequestError);
    await waitForState(writer, byWriter, ['AWAITING_DEPOSITS']);
    const cleared = (await trail(byWriter)).find((e) => e.toState === 'COMPLIANCE_CLEARED')!;
    expect(cleared.payload).toMatchObject({ decided_by: (await services().db.apiClient.findFirstOrThrow({ where: { name: 'reviewer', platform: { name: 'four-eyes-platform' } } })).clientId });
    expect((await services().db.settlement.findUniqueOrThrow({ where: { id: byWriter } })).createdBy).toBe(
      (await services().db.apiClient.findFirstOrThrow({ where: { name: 'writer', platform: { name: 'four-eyes-platform' } } })).clientId,
    );
  });
});
