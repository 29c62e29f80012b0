// The settlement workflow's paths, on a real Temporal dev server of the file's own with fake
// activities: what happens when a step gives up, when the deadline passes during
// registration, and when a template is broken.

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createActivities } from '../activities/index.ts';
import { FailureType } from '../domain/errors.ts';
import type { Transition } from '../domain/transition.ts';
import { DVP_STANDARD, type TemplateConfig } from '../domain/template.ts';
import { startScratchTemporal } from '../stack/temporal.ts';
import { signerTaskQueueOf } from './names.ts';
import type { settlementWorkflow } from './settlement.ts';

type Activities = ReturnType<typeof createActivities>;
let temporal: Awaited<ReturnType<typeof startScratchTemporal>>;
let nativeConnection: NativeConnection;
let connection: Connection;
let client: Client;

let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  // Bundled once for the file, not by every worker it creates.
  [workflowBundle, temporal] = await Promise.all([bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)) }), startScratchTemporal()]);
  nativeConnection = await NativeConnection.connect({ address: temporal.address });
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection });
}, 600_000); // the first run on a machine builds the Temporal CLI
afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
  await temporal?.stop();
});

/** Happy fakes; each scenario overrides what it breaks. */
function fakes(trail: Transition[], overrides: Partial<Activities> = {}): Activities {
  const ok = { chain_id: 1, contract_address: '0x', escrow_id: '0x' };
  return {
    recordTransition: async (t) => {
      trail.push(t);
    },
    screenParties: async () => ({ outcome: 'cleared', algorithm: 'fake', listVersions: [], matches: [] }),
    registerEscrow: async () => ({ outcome: 'registered', ...ok, tx_hash: null }),
    readDeposits: async () => ({ deposited: [0, 1] }),
    executeSwap: async () => ({ outcome: 'settled', txHash: '0xswap', blockNumber: '1' }),
    awaitFinality: async () => ({ blockNumber: '1', confirmations: 1 }),
    refundEscrow: async () => ({ outcome: 'refunded', txHash: '0xrefund', refundedLegs: [], unpaidLegs: [] }),
    ...overrides,
  } as Activities;
}

/** A worker on a task queue of its own, and one on its signer's queue (worker/signer.ts), running until `work` ends. */
async function withWorkers<T>(activities: Activities, work: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `workflow-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
  });
  const signer = await Worker.create({ connection: nativeConnection, taskQueue: signerTaskQueueOf(taskQueue), activities });
  return signer.runUntil(worker.runUntil(work(taskQueue)));
}

function runSettlement(activities: Activities, config: TemplateConfig = DVP_STANDARD.config, timeoutMs = 60_000) {
  return withWorkers(activities, (taskQueue) =>
    client.workflow.execute<typeof settlementWorkflow>('settlementWorkflow', {
      taskQueue,
      workflowId: `settlement-${randomUUID()}`,
      workflowExecutionTimeout: '2 minutes',
      args: [{ settlementId: randomUUID(), template: { id: DVP_STANDARD.id, version: 1, config }, timeoutAt: new Date(Date.now() + timeoutMs).toISOString(), legCount: 2, depositPollIntervalMs: 1000 }],
    }),
  );
}

describe('settlement workflow failure paths', { timeout: 120_000 }, () => {
  it('walks the template to FINALIZED when every step succeeds', async () => {
    const trail: Transition[] = [];
    expect(await runSettlement(fakes(trail))).toEqual({ state: 'FINALIZED' });
    expect(trail.map((t) => t.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rolls back and refunds when a step gives up before the swap', async () => {
    const trail: Transition[] = [];
    let refunds = 0;
    const result = await runSettlement(
      fakes(trail, {
        readDeposits: async () => {
          throw ApplicationFailure.nonRetryable('RPC says no', 'Broken');
        },
        refundEscrow: async () => {
          refunds += 1;
          return { outcome: 'refunded', txHash: '0xrefund', refundedLegs: [0], unpaidLegs: [] };
        },
      }),
    );
    expect(result.state).toBe('ROLLED_BACK');
    expect(result.reason).toMatch(/await_deposits failed: RPC says no/);
    expect(refunds).toBe(1);
    expect(trail.at(-1)).toMatchObject({ fromState: 'AWAITING_DEPOSITS', toState: 'ROLLED_BACK', triggeredBy: 'workflow:error' });
  });

  it('rolls back without a refund when registration finds the deadline already passed', async () => {
    const trail: Transition[] = [];
    let refunds = 0;
    const result = await runSettlement(
      fakes(trail, {
        registerEscrow: async () => ({ outcome: 'deadline_passed', chain_id: 1, contract_address: '0x', escrow_id: '0x', reason: 'timeout_at passed before the escrow was registered' }),
        refundEscrow: async () => {
          refunds += 1;
          return { outcome: 'not_registered', txHash: null, refundedLegs: [], unpaidLegs: [] };
        },
      }),
    );
    expect(result).toMatchObject({ state: 'ROLLED_BACK', reason: 'timeout_at passed before the escrow was registered' });
    expect(trail.at(-1)).toMatchObject({ fromState: 'REGISTERING_ESCROW', triggeredBy: 'workflow:timeout' });
    expect(refunds).toBe(1); // registration was attempted, so the refund step checks the chain
  });

  it('fails the workflow, instead of retrying its task forever, on a broken template', async () => {
    const broken: TemplateConfig = { ...DVP_STANDARD.config, transitions: { ...DVP_STANDARD.config.transitions, INSTRUCTED: { allowed_next: ['COMPLIANCE_CHECKING', 'SETTLED'] } } };
    const error = await runSettlement(fakes([]), broken).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toMatchObject({ type: FailureType.TemplateError });
  });

  it('refunds before it looks for a failure state, so a template without one never strands deposits', async () => {
    // Stored before templates were validated: AWAITING_DEPOSITS has nowhere to fail to.
    const noWayBack: TemplateConfig = { ...DVP_STANDARD.config, transitions: { ...DVP_STANDARD.config.transitions, AWAITING_DEPOSITS: { allowed_next: ['EXECUTING_SWAP'] } } };
    let refunds = 0;
    const activities = fakes([], {
      readDeposits: async () => {
        throw ApplicationFailure.nonRetryable('RPC says no', 'Broken');
      },
      refundEscrow: async () => {
        refunds += 1;
        return { outcome: 'refunded', txHash: '0xrefund', refundedLegs: [0, 1], unpaidLegs: [] };
      },
    });
    const error = await runSettlement(activities, noWayBack).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toMatchObject({ type: FailureType.TemplateError });
    expect(refunds).toBe(1);
  });

  it('rolls back when the deadline passes while waiting, and counts a re-delivered signal once', async () => {
    const trail: Transition[] = [];
    const workflowId = `settlement-${randomUUID()}`;
    const result = await withWorkers(fakes(trail, { readDeposits: async () => ({ deposited: [0] }) }), async (taskQueue) => {
      const handle = await client.workflow.start<typeof settlementWorkflow>('settlementWorkflow', {
        taskQueue,
        workflowId,
        args: [{ settlementId: randomUUID(), template: { id: DVP_STANDARD.id, version: 1, config: DVP_STANDARD.config }, timeoutAt: new Date(Date.now() + 4000).toISOString(), legCount: 2 }],
      });
      const deposit = { legIndex: 0, chainId: 1, txHash: '0xabc', logIndex: 3 };
      await handle.signal('deposit', deposit);
      await handle.signal('deposit', deposit);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await handle.query('progress')).toMatchObject({ state: 'AWAITING_DEPOSITS', depositedLegs: [0] });
      return handle.result();
    });
    expect(result).toMatchObject({ state: 'ROLLED_BACK', reason: 'timeout_at passed before every leg was deposited' });
  });
});
