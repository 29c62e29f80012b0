// Connecting to a Temporal deployment over TLS (config/temporalConnection.ts), against a real
// Temporal server whose frontend has a certificate signed by a CA of this test's own (made with
// openssl). Runs with the suite on the Temporal server (npm run test:server), whose binaries
// and PostgreSQL it shares; the cluster here is a second one, in databases of its own.

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { TEMPORAL_CONNECTION_KEYS, temporalConnectionOptions } from '../../config/temporalConnection.ts';
import { freePort } from '../../stack/ports.ts';
import type { ManagedProcess } from '../../stack/process.ts';
import { ensureTemporalServer, prepareTemporalDatabases, startTemporalServer } from '../../stack/temporalServer.ts';
import { stackContext } from '../support/services.ts';

const { manifest, dataDir } = stackContext();
const onServer = manifest.temporal.kind === 'server';

/** A CA, and a certificate it signed for the frontend's name and loopback address. */
function certificates(dir: string) {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Lockstep test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=temporal.test', '-keyout', file('server.key'), '-out', file('server.csr'));
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:temporal.test,IP:127.0.0.1' > ${file('san.ext')}`]);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('san.ext'), '-out', file('server.pem'));
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key'), serverName: 'temporal.test' };
}

describe.runIf(onServer)('a Temporal server over TLS', () => {
  const processes: ManagedProcess[] = [];
  let address = '';
  let tls: ReturnType<typeof certificates>;

  beforeAll(async () => {
    const dir = join(dataDir, 'temporal-tls');
    tls = certificates(join(dir, 'certs'));
    const binaries = await ensureTemporalServer(() => undefined, false);
    const url = new URL(manifest.database_url);
    const db = { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    await prepareTemporalDatabases(binaries, db, () => undefined, 'temporal_tls');
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    processes.push(
      ...(await startTemporalServer({ binaries, db, port, uiPort: 0, namespace: 'default', dir, logDir: join(dataDir, 'logs'), databasePrefix: 'temporal_tls', tls })),
    );
  }, 300_000);
  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
  });

  /** Lockstep's own settings, as every process reads them. */
  const settings = (env: Record<string, string>) =>
    temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: address, ...env }, [...TEMPORAL_CONNECTION_KEYS]));

  it('connects the API, listener and CLI client, and the worker, with the CA and the server name', async () => {
    const options = settings({ TEMPORAL_TLS_CA_FILE: tls.caFile, TEMPORAL_TLS_SERVER_NAME: tls.serverName });
    const client = await Connection.connect(options);
    try {
      expect((await client.workflowService.describeNamespace({ namespace: 'default' })).namespaceInfo?.name).toBe('default');
    } finally {
      await client.close();
    }
    const native = await NativeConnection.connect(options);
    await native.close();
  });

  it('refuses a client that does not trust the CA, and one without TLS', async () => {
    const untrusting = settings({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: tls.serverName });
    await expect(Connection.connect({ ...untrusting, connectTimeout: 3000 }).then((c) => c.workflowService.getSystemInfo({}))).rejects.toThrow();
    await expect(NativeConnection.connect(untrusting)).rejects.toThrow();
    const plain = settings({});
    await expect(Connection.connect({ ...plain, connectTimeout: 3000 }).then((c) => c.workflowService.getSystemInfo({}))).rejects.toThrow();
  });
});
