// Records a history of every path a running workflow can be on, for the replay test
// (workflows/settlement.replay.test.ts): a fresh stack in data/histories, each path driven
// through the API and the chain as a platform would, and each workflow's history written to
// workflows/histories/ as the temporal CLI shows it. Run after a change to workflow code that
// is meant to change what new runs do (behind a patch), so the new shape is replayed too:
//
//   npx tsx test/support/recordHistories.ts [name ...]
//
// The histories of earlier code stay: running settlements are on them.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdReusePolicy } from '@temporalio/common';
import { LockstepApi } from '../../cli/apiClient.ts';
import { ROOT } from '../../config/paths.ts';
import { createDb } from '../../db/client.ts';
import { serviceProcess } from '../../stack/services.ts';
import { startFreshInfrastructure } from '../../stack/stack.ts';
import { ensureTemporalCli } from '../../stack/temporal.ts';
import { workflowIdFor } from '../../workflows/names.ts';
import type { SettlementWorkflowInput } from '../../workflows/settlement.ts';
import { depositAs, dvpInstruction, flaggedInstruction, waitForState, type SettlementView } from './settlements.ts';

const run = promisify(execFile);
const say = (line: string) => process.stdout.write(`${line}\n`);
const HISTORIES = join(ROOT, 'workflows', 'histories');

const dataDir = join(ROOT, 'data', 'histories');
const infra = await startFreshInfrastructure(dataDir, say, 'dev');
const { manifest, secrets } = infra;
const env = { LISTENER_POLL_MS: '200', MIN_TIMEOUT_LEAD_SECONDS: '5', RATE_LIMIT_PER_MINUTE: '1000000' };
const processes = (['worker', 'listener', 'api', 'webhooks'] as const).map((name) => serviceProcess(name, manifest, secrets, { logDir: join(dataDir, 'logs'), env }));
const cli = await ensureTemporalCli(say);
const connection = await Connection.connect({ address: manifest.temporal.address });
const temporal = new Client({ connection, namespace: manifest.temporal.namespace });
const db = createDb(manifest.database_url);

async function record(name: string, workflowId: string): Promise<void> {
  const { stdout } = await run(cli, ['workflow', 'show', '--address', manifest.temporal.address, '--workflow-id', workflowId, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(join(HISTORIES, `${name}.json`), stdout);
  say(`recorded ${name}.json (${(JSON.parse(stdout) as { events: unknown[] }).events.length} events)`);
}

try {
  await Promise.all(processes.map((p) => p.start()));
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(manifest.client.client_id, manifest.client.client_secret);
  const create = (body: unknown) => api.request<SettlementView>('POST', '/v1/settlements', body);
  const flagged = async (timeoutMs = 5 * 60_000) => {
    const { id } = await create(flaggedInstruction(manifest, 'dvp-review', timeoutMs));
    for (let i = 0; !(await db.settlementEvent.findFirst({ where: { settlementId: id, triggeredBy: 'compliance:flagged' } })); i++) {
      if (i > 600) throw new Error(`settlement ${id} was never flagged`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return id;
  };
  const depositBoth = async (id: string) => {
    const awaiting = await waitForState(api, id, ['AWAITING_DEPOSITS']);
    await depositAs(manifest, awaiting, 'seller');
    await depositAs(manifest, awaiting, 'buyer');
  };

  const paths: Record<string, () => Promise<string>> = {
    'dvp-review-approved': async () => {
      const id = await flagged();
      await api.request('POST', `/v1/settlements/${id}/compliance-decision`, { decision: 'approve', reason: 'namesake' });
      await depositBoth(id);
      await waitForState(api, id, ['FINALIZED']);
      return workflowIdFor(id);
    },
    'dvp-review-rejected': async () => {
      const id = await flagged();
      await api.request('POST', `/v1/settlements/${id}/compliance-decision`, { decision: 'reject', reason: 'the same person' });
      await waitForState(api, id, ['ROLLED_BACK']);
      return workflowIdFor(id);
    },
    'dvp-review-decision-timed-out': async () => {
      const id = await flagged(20_000);
      await waitForState(api, id, ['TIMED_OUT', 'ROLLED_BACK'], 120_000);
      return workflowIdFor(id);
    },
    'dvp-standard-cancelled': async () => {
      const { id } = await create(dvpInstruction(manifest));
      await depositAs(manifest, await waitForState(api, id, ['AWAITING_DEPOSITS']), 'seller');
      await api.request('POST', `/v1/admin/settlements/${id}/cancel`, { reason: 'the trade was called off' });
      await waitForState(api, id, ['ROLLED_BACK']);
      return workflowIdFor(id);
    },
    // A run begun by continueAsNew: the same workflow id started again with what the last run knew.
    'dvp-standard-resumed': async () => {
      const { id } = await create(dvpInstruction(manifest));
      await waitForState(api, id, ['AWAITING_DEPOSITS']);
      const handle = temporal.workflow.getHandle(workflowIdFor(id));
      const started = (await handle.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
      const input = defaultPayloadConverter.fromPayload<SettlementWorkflowInput>(started.input!.payloads![0]!);
      await handle.terminate('recording a continued run');
      const last = await db.settlementEvent.findFirstOrThrow({ where: { settlementId: id }, orderBy: { sequence: 'desc' } });
      await temporal.workflow.start('settlementWorkflow', {
        workflowId: workflowIdFor(id),
        taskQueue: manifest.temporal.task_queue,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        args: [{ ...input, resume: { state: last.toState, sequence: last.sequence, deposited: [], seenLogs: [], escrowTouched: true } }],
      });
      await depositBoth(id);
      await waitForState(api, id, ['FINALIZED']);
      return workflowIdFor(id);
    },
    'force-rollback': async () => {
      const { id } = await create(dvpInstruction(manifest));
      await depositAs(manifest, await waitForState(api, id, ['AWAITING_DEPOSITS']), 'seller');
      await temporal.workflow.getHandle(workflowIdFor(id)).terminate('simulated crash of the workflow');
      await api.request('POST', `/v1/admin/settlements/${id}/force-rollback`, { reason: 'workflow lost' });
      await waitForState(api, id, ['ROLLED_BACK']);
      return `force-rollback-${id}`;
    },
    'party-screening': async () => {
      await api.request('POST', '/v1/admin/screening/screen', { name: 'Banco Nacional de Cuba' });
      for await (const found of temporal.workflow.list({ query: `WorkflowType = 'partyScreeningWorkflow'` })) return found.workflowId;
      throw new Error('no party screening workflow was found');
    },
  };
  const wanted = process.argv.slice(2);
  for (const [name, drive] of Object.entries(paths)) {
    if (wanted.length && !wanted.includes(name)) continue;
    say(`driving ${name}...`);
    await record(name, await drive());
  }
} finally {
  await db.$disconnect();
  await connection.close();
  for (const p of processes.reverse()) await p.stop();
  await infra.stop();
}
