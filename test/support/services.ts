// Per test file: its own worker, listener and API processes on its own task queue,
// against the shared infrastructure. Real processes, so a test can crash one.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, inject } from 'vitest';
import { LockstepApi } from '../../cli/apiClient.ts';
import { createDb, type Db } from '../../db/client.ts';
import { serviceProcess, type ServiceName } from '../../stack/services.ts';

export interface TestServices {
  api: LockstepApi;
  taskQueue: string;
  db: Db;
  temporal: Client;
  processes: Record<ServiceName, ReturnType<typeof serviceProcess>>;
  stop(): Promise<void>;
}

export function stackContext() {
  return inject('stack');
}

/** `env` adds settings for one service, e.g. a worker whose RPC goes through a test's proxy. */
export async function startServices(env: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<TestServices> {
  const { manifest, secrets, dataDir } = stackContext();
  const taskQueue = `test-${randomUUID()}`;
  const echo = process.env.LOCKSTEP_TEST_LOGS === '1';
  const make = (name: ServiceName) =>
    serviceProcess(name, manifest, secrets, {
      logDir: join(dataDir, 'logs'),
      echo,
      // Short deadlines let the timeout tests finish in seconds.
      env: {
        TEMPORAL_TASK_QUEUE: taskQueue,
        LOG_LEVEL: echo ? 'debug' : 'info',
        LISTENER_POLL_MS: '200',
        MIN_TIMEOUT_LEAD_SECONDS: '5',
        // Webhook retries in seconds rather than hours, so retry tests finish.
        WEBHOOK_RETRY_SCHEDULE: '0.5,1,1,2,2,3,3,5,5,5',
        WEBHOOK_POLL_MS: '100',
        WEBHOOK_TIMEOUT_MS: '2000',
        // Tests poll hard; the rate limit test runs its own API processes at the default.
        RATE_LIMIT_PER_MINUTE: '1000000',
        // The Web Office tests log in dozens of times a minute from 127.0.0.1; office.test.ts checks the limit on an API of its own.
        OFFICE_LOGINS_PER_IP_PER_MINUTE: '1000000',
        ...env[name],
      },
    });
  const processes = { worker: make('worker'), listener: make('listener'), webhooks: make('webhooks'), api: make('api') };
  await Promise.all(Object.values(processes).map((p) => p.start()));

  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(manifest.client.client_id, manifest.client.client_secret, manifest.client.audience);
  const db = createDb(manifest.database_url);
  const connection = await Connection.connect({ address: manifest.temporal.address });
  const temporal = new Client({ connection, namespace: manifest.temporal.namespace });
  return {
    api,
    taskQueue,
    db,
    temporal,
    processes,
    async stop() {
      await Promise.all(Object.values(processes).map((p) => p.stop()));
      await connection.close();
      await db.$disconnect();
    },
  };
}

/** This file's own services, started before its tests and stopped after them. */
export function withServices(env?: Parameters<typeof startServices>[0]): () => TestServices {
  let services: TestServices | undefined;
  beforeAll(async () => {
    services = await startServices(env);
  });
  afterAll(async () => {
    await services?.stop();
  });
  return () => {
    if (!services) throw new Error('services are not started yet');
    return services;
  };
}
