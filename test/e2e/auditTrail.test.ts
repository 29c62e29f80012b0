import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recordActivities } from '../../activities/records.ts';
import { type ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { trailVerdictSchema } from '../../api/responses.ts';
import { fixtureClient } from '../support/clients.ts';
import { ROOT } from '../../config/paths.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();

interface TrailPage {
  items: { sequence: number; from_state: string | null; to_state: string; triggered_by: string; content_hash: string; payload: unknown }[];
  total: number;
}
interface Verdict {
  valid: boolean;
  first_broken: { sequence: number; reason: string } | null;
}

/** A settlement that ends quickly (sanctioned name): INSTRUCTED, COMPLIANCE_CHECKING, ROLLED_BACK. */
async function endedSettlement(): Promise<string> {
  const body = dvpInstruction(manifest);
  body.parties[0]!.name = 'Banco Nacional de Cuba';
  const s = await services().api.request<SettlementView>('POST', '/v1/settlements', body);
  await waitForState(services().api, s.id, ['ROLLED_BACK']);
  return s.id;
}

const verify = (id: string) => services().api.request<Verdict>('GET', `/v1/settlements/${id}/events/verify`);
const cliVerify = (id: string) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'trail', 'verify', id], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: manifest.database_url },
  }).then(
    ({ stdout }) => ({ code: 0, verdict: JSON.parse(stdout) as Verdict }),
    (err: { code: number; stdout: string }) => ({ code: err.code, verdict: JSON.parse(err.stdout) as Verdict }),
  );

describe('audit trail', () => {
  it('lists events oldest first with chained hashes, paginated, and verifies them', async () => {
    const id = await endedSettlement();
    const page = await services().api.request<TrailPage>('GET', `/v1/settlements/${id}/events?limit=2`);
    expect(page.total).toBe(3);
    expect(page.items.map((e) => [e.sequence, e.from_state, e.to_state])).toEqual([
      [1, null, 'INSTRUCTED'],
      [2, 'INSTRUCTED', 'COMPLIANCE_CHECKING'],
    ]);
    expect(page.items.every((e) => /^[0-9a-f]{64}$/.test(e.content_hash))).toBe(true);
    const rest = await services().api.request<TrailPage>('GET', `/v1/settlements/${id}/events?limit=2&offset=2`);
    expect(rest.items.map((e) => e.to_state)).toEqual(['ROLLED_BACK']);
    expect(trailVerdictSchema.parse(await verify(id))).toMatchObject({ valid: true, first_broken: null });
    expect(await cliVerify(id)).toMatchObject({ code: 0, verdict: { valid: true } });
  });

  it('fails at exactly the edited event', async () => {
    const id = await endedSettlement();
    await services().db.settlementEvent.update({
      where: { settlementId_sequence: { settlementId: id, sequence: 2 } },
      data: { triggeredBy: 'someone-else' },
    });
    expect(await verify(id)).toMatchObject({ valid: false, first_broken: { sequence: 2 } });
    expect(await cliVerify(id)).toMatchObject({ code: 1, verdict: { valid: false, first_broken: { sequence: 2 } } });
  });

  it('fails at exactly the deleted event', async () => {
    const id = await endedSettlement();
    await services().db.settlementEvent.delete({ where: { settlementId_sequence: { settlementId: id, sequence: 2 } } });
    expect(await verify(id)).toMatchObject({ valid: false, first_broken: { sequence: 2, reason: expect.stringMatching(/missing/) } });
  });

  it('fails at exactly the first of two reordered events', async () => {
    const id = await endedSettlement();
    const move = (from: number, to: number) =>
      services().db.settlementEvent.update({ where: { settlementId_sequence: { settlementId: id, sequence: from } }, data: { sequence: to } });
    await move(2, 99);
    await move(3, 2);
    await move(99, 3);
    expect(await verify(id)).toMatchObject({ valid: false, first_broken: { sequence: 2 } });
  });

  it("hides a trail from another platform (404) and from callers without a token (401)", async () => {
    const id = await endedSettlement();
    expect((await fetch(new URL(`/v1/settlements/${id}/events`, manifest.api_url))).status).toBe(401);
    const other = await fixtureClient(services().db, { platform: 'trail-outsider', environment: 'sandbox', name: 'x', scopes: ['settlements:read'] });
    const outsider = new LockstepApi(manifest.api_url);
    await outsider.authenticate(other.client_id, other.client_secret);
    for (const path of [`/v1/settlements/${id}/events`, `/v1/settlements/${id}/events/verify`]) {
      expect(await outsider.request('GET', path).catch((e: ApiRequestError) => e.status)).toBe(404);
    }
  });
});

describe('recording a transition', () => {
  it('accepts the same transition again and refuses a different one at a written sequence, for good', async () => {
    const id = await endedSettlement();
    const { db } = services();
    const first = await db.settlementEvent.findUniqueOrThrow({ where: { settlementId_sequence: { settlementId: id, sequence: 1 } } });
    const activities = recordActivities({ db });
    const record = (input: Parameters<typeof activities.recordTransition>[0]) => activities.recordTransition(input);
    const same = { settlementId: id, sequence: 1, fromState: first.fromState, toState: first.toState, triggeredBy: first.triggeredBy, payload: first.payload as Record<string, unknown> };
    await record(same);
    // A row whose state lags its trail (as rows did before state_sequence existed): the refused
    // transition must not move it, where the same one would.
    await db.settlement.update({ where: { id }, data: { stateSequence: 0 } });
    const before = await db.settlement.findUniqueOrThrow({ where: { id } });
    await expect(record({ ...same, toState: 'FINALIZED' })).rejects.toMatchObject({ type: 'TransitionConflict', nonRetryable: true });
    await expect(record({ ...same, payload: { ...same.payload, reason: 'another' } })).rejects.toMatchObject({ type: 'TransitionConflict' });
    expect(await db.settlement.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: before.state, stateSequence: 0, failureReason: before.failureReason });
    await record(same);
    expect(await db.settlement.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: first.toState, stateSequence: 1 });
    expect(await db.settlementEvent.count({ where: { settlementId: id, sequence: 1 } })).toBe(1);
  });
});
