// The ceiling Lockstep's settlements are measured against: bare workflows of a settlement's
// shape (bench/ceiling/workflow.ts) on the same Temporal server, at the same concurrency, run
// by a worker of their own (in the bench's process) on a task queue of their own. Each
// workflow's two deposits are signalled as soon as it has started, as a listener would.

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { bareSettlement } from './workflow.ts';

export interface CeilingRun {
  /** Start → completed, per workflow. */
  latenciesMs: number[];
  seconds: number;
}

const LEGS = 2;
let runtimeSet = false;

export async function runCeiling(temporal: { address: string; namespace: string }, count: number, concurrency: number): Promise<CeilingRun> {
  if (!runtimeSet) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeSet = true;
  }
  const taskQueue = `bench-ceiling-${randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflow.js', import.meta.url)),
    activities: { step: async () => undefined },
  });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const latenciesMs: number[] = [];
  const one = async () => {
    const started = performance.now();
    const handle = await client.workflow.start<typeof bareSettlement>('bareSettlement', { taskQueue, workflowId: `bench-ceiling-${randomUUID()}`, args: [LEGS] });
    for (let leg = 0; leg < LEGS; leg++) await handle.signal('deposited', leg);
    await handle.result();
    latenciesMs.push(performance.now() - started);
  };
  try {
    return await worker.runUntil(async () => {
      const began = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < count) await one();
        }),
      );
      return { latenciesMs, seconds: (performance.now() - began) / 1000 };
    });
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}
