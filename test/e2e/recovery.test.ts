import { describe, expect, it } from 'vitest';
import { stackContext, withServices } from '../support/services.ts';
import { depositAs, dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';

const { manifest } = stackContext();
const services = withServices();

async function assertCountedOnce(id: string) {
  const logs = await services().db.chainLog.findMany({ where: { settlementId: id, eventName: 'Deposited' } });
  expect(logs).toHaveLength(2);
  expect(new Set(logs.map((l) => (l.args as { legIndex: string }).legIndex))).toEqual(new Set(['0', '1']));
  const events = await services().db.settlementEvent.findMany({ where: { settlementId: id }, orderBy: { sequence: 'asc' } });
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((e) => e.toState)).toEqual([
    'INSTRUCTED', 'COMPLIANCE_CHECKING', 'COMPLIANCE_CLEARED', 'REGISTERING_ESCROW', 'AWAITING_DEPOSITS', 'EXECUTING_SWAP', 'SETTLED', 'FINALIZED',
  ]);
}

describe('crash recovery', () => {
  it('finalizes after the worker is killed while the settlement awaits deposits', async () => {
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await services().processes.worker.kill();
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
    // The listener records and signals while no worker runs; nothing may move yet.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await services().api.request<SettlementView>('GET', `/v1/settlements/${created.id}`)).state).toBe('AWAITING_DEPOSITS');
    await services().processes.worker.start();
    expect((await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    await assertCountedOnce(created.id);
  });

  it('finalizes when the listener is killed between the deposits, and ignores re-delivered signals', async () => {
    const created = await services().api.request<SettlementView>('POST', '/v1/settlements', dvpInstruction(manifest));
    const awaiting = await waitForState(services().api, created.id, ['AWAITING_DEPOSITS']);
    await services().processes.listener.kill();
    await depositAs(manifest, awaiting, 'seller');
    await services().processes.listener.start();

    // Once the seller's deposit is signalled, deliver it again: it must not count as the buyer's.
    for (let i = 0; i < 100; i++) {
      const log = await services().db.chainLog.findFirst({ where: { settlementId: created.id, eventName: 'Deposited' } });
      if (log?.signaledAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await services().db.chainLog.updateMany({ where: { settlementId: created.id }, data: { signaledAt: null } });
    await new Promise((r) => setTimeout(r, 1500));
    const stillWaiting = await services().api.request<SettlementView>('GET', `/v1/settlements/${created.id}`);
    expect(stillWaiting.state).toBe('AWAITING_DEPOSITS');
    expect(stillWaiting.legs.map((l) => l.deposit.status)).toEqual(['deposited', 'pending']);

    await depositAs(manifest, stillWaiting, 'buyer');
    expect((await waitForState(services().api, created.id, ['FINALIZED', 'ROLLED_BACK'])).state).toBe('FINALIZED');
    await assertCountedOnce(created.id);
  });

  it('starts the workflow of a settlement whose create request died after the database commit', async () => {
    // The state a crash between the insert and the workflow start leaves behind: a row nothing drives.
    const template = await services().api.request<{ id: string }>('POST', '/v1/settlements', dvpInstruction(manifest));
    const source = await services().db.settlement.findUniqueOrThrow({ where: { id: template.id }, include: { parties: true, legs: true } });
    const id = crypto.randomUUID();
    await services().db.settlement.create({
      data: {
        ...source,
        id,
        idempotencyKey: `orphan-${id}`,
        escrowId: `0x${id.replaceAll('-', '').padStart(64, '0')}`,
        // A fresh row: the source may have moved on already, and a copied sequence would outrank every transition.
        state: 'INSTRUCTED',
        stateSequence: 0,
        workflowStartedAt: null,
        startClaimExpiresAt: null,
        createdAt: new Date(Date.now() - 60_000),
        updatedAt: undefined,
        parties: { create: source.parties.map(({ settlementId: _, ...p }) => p) },
        legs: { create: source.legs.map(({ settlementId: _, ...l }) => l) },
      },
    });
    const swept = await waitForState(services().api, id, ['AWAITING_DEPOSITS'], 30_000);
    expect(swept.workflow.id).toBe(`settlement-${id}`);
    expect((await services().db.settlement.findUniqueOrThrow({ where: { id } })).workflowStartedAt).not.toBeNull();
  });
});
