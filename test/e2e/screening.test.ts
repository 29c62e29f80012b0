// Screening settings and tools over the real stack: a platform environment's own
// thresholds decide its settlements' screenings; an admin screens one party on request
// with the workers' live index; workers refresh their lists when asked.

import { describe, expect, it } from 'vitest';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { listStatusSchema, refreshRequestSchema, screeningResponseSchema, thresholdsResponseSchema } from '../../api/responses.ts';
import { fixtureClient } from '../support/clients.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();

/** A client of its own platform, so that its thresholds touch no other test's settlements. */
async function clientOf(platform: string, scopes: string[]): Promise<LockstepApi> {
  const client = await fixtureClient(services().db, { platform, environment: 'sandbox', name: 'screening', scopes });
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  return api;
}

const failure = (p: Promise<unknown>) => p.catch((e: ApiRequestError) => e);

describe('screening thresholds per platform environment', () => {
  it("decides the environment's screenings by its own thresholds, defaults elsewhere", async () => {
    const admin = await clientOf('thresholds-platform', ['settlements:read', 'settlements:write', 'admin']);
    expect(thresholdsResponseSchema.parse(await admin.request('GET', '/v1/compliance/thresholds'))).toMatchObject({ review_threshold: 0.85, fail_threshold: 0.95, source: 'default' });

    // "Aqxa" scores 0.9 against OFAC's "AQUA": a flag (and so a rollback under dvp-standard) at the defaults.
    const settle = async (name: string) => {
      const body = dvpInstruction(manifest);
      body.parties[1]!.name = name;
      const { id } = await admin.request<SettlementView>('POST', '/v1/settlements', body);
      return waitForState(admin, id, ['AWAITING_DEPOSITS', 'ROLLED_BACK']);
    };
    expect((await settle('Aqxa')).state).toBe('ROLLED_BACK');

    const saved = thresholdsResponseSchema.parse(await admin.request('PUT', '/v1/compliance/thresholds', { review_threshold: 0.92, fail_threshold: 0.97 }));
    expect(saved).toMatchObject({ review_threshold: 0.92, fail_threshold: 0.97, source: 'platform', updated_by: expect.any(String) });
    expect((await settle('Aqxa')).state).toBe('AWAITING_DEPOSITS');
    const cleared = await services().db.settlementEvent.findMany({ where: { toState: 'COMPLIANCE_CLEARED', settlement: { platform: { name: 'thresholds-platform' } } } });
    expect(cleared.at(-1)!.payload).toMatchObject({ screening: { outcome: 'cleared', thresholds: { review: 0.92, fail: 0.97 } } });

    expect(await failure(admin.request('PUT', '/v1/compliance/thresholds', { review_threshold: 0.97, fail_threshold: 0.9 }))).toMatchObject({
      status: 422, body: { detail: [{ loc: ['body', 'review_threshold'] }] },
    });
    expect(await failure(admin.request('PUT', '/v1/compliance/thresholds', { review_threshold: 0, fail_threshold: 1.5 }))).toMatchObject({ status: 422 });
    const writer = await clientOf('thresholds-platform', ['settlements:read', 'settlements:write']);
    expect(await failure(writer.request('PUT', '/v1/compliance/thresholds', { review_threshold: 0.5, fail_threshold: 0.6 }))).toMatchObject({ status: 403 });
    // Another platform still screens at the defaults.
    const other = await clientOf('thresholds-other', ['settlements:read']);
    expect(await other.request('GET', '/v1/compliance/thresholds')).toMatchObject({ source: 'default' });
  });
});

describe('ad-hoc screening and list refresh (admin)', () => {
  it('screens one party with the live index, its attributes moving the score', async () => {
    const admin = await clientOf('adhoc-platform', ['admin']);
    const screen = async (body: Record<string, unknown>) => screeningResponseSchema.parse(await admin.request('POST', '/v1/admin/screening/screen', body));

    expect(await screen({ name: 'Gilberto Jose Rodriguez Orejuela' })).toMatchObject({ outcome: 'failed', matches: [{ entry_id: '4107', exact: true, score: 1 }] });
    const namesake = await screen({ name: 'Gilberto Jose Rodriguez Orejuela', entity_type: 'individual', date_of_birth: '1975-05-05' });
    expect(namesake).toMatchObject({ outcome: 'flagged', matches: [{ entry_id: '4107', score: 0.85, reason: expect.stringMatching(/date of birth differs/) }] });
    expect(await screen({ name: 'Alice Example', wallet_address: '0x7F19720A857F834887FC9A7bC0a0fBe7Fc7f8102' })).toMatchObject({
      outcome: 'failed', matches: [{ layer: 'wallet', list: 'ofac-sdn', exact: true }],
    });
    const clear = await screen({ name: 'Alice Example' });
    expect(clear).toMatchObject({ outcome: 'cleared', matches: [] });
    expect(clear.list_versions.map((v) => v.list)).toEqual(['ofac-sdn', 'un-consolidated']);

    expect(await failure(admin.request('POST', '/v1/admin/screening/screen', { name: 'X', country: 'XX', date_of_birth: '2999-01-01' }))).toMatchObject({
      status: 422, body: { detail: [{ loc: ['body', 'country'] }, { loc: ['body', 'date_of_birth'] }] },
    });
    const reader = await clientOf('adhoc-platform', ['settlements:read']);
    expect(await failure(reader.request('POST', '/v1/admin/screening/screen', { name: 'X' }))).toMatchObject({ status: 403 });
  });

  it('has every worker re-read its lists on request and shows what each holds', async () => {
    const operator = await clientOf('adhoc-platform', ['operator']);
    const { request_id } = refreshRequestSchema.parse(await operator.request('POST', '/v1/operator/screening/lists/refresh'));
    let loads = listStatusSchema.parse(await operator.request('GET', '/v1/operator/screening/lists')).workers;
    for (let i = 0; i < 100 && !loads.some((l) => l.request_id === request_id); i++) {
      await new Promise((r) => setTimeout(r, 200));
      loads = listStatusSchema.parse(await operator.request('GET', '/v1/operator/screening/lists')).workers;
    }
    expect(loads.find((l) => l.request_id === request_id)).toMatchObject({ trigger: 'request', changed: false, error: null });
    // The lists are the deployment's: a platform's admin neither sees nor refreshes them.
    const admin = await clientOf('adhoc-platform', ['admin']);
    expect(await failure(admin.request('GET', '/v1/operator/screening/lists'))).toMatchObject({ status: 403 });
    expect(await failure(admin.request('POST', '/v1/operator/screening/lists/refresh'))).toMatchObject({ status: 403 });
  });
});
