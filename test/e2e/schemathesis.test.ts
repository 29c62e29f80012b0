// Schemathesis (test/schemathesis/) against the stack's own /openapi.json: every check it has,
// every phase (examples, coverage, fuzzing, and stateful sequences that follow the document's
// links from a created or listed object to what acts on it), a fixed seed. One run as a tenant
// admin with every tenant scope, over the tenant routes, with a settlement flagged by screening,
// a suppression, a webhook with a delivery and a template of its own to find; one as the
// operator, over the operator's routes. Each client is in a platform made for it, and neither
// run may aim at its own client or environment or at a platform that existed before it
// (test/schemathesis/hooks.py), so what it deactivates, rotates or rate-limits breaks nothing.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TENANT_SCOPES } from '../../access/scopes.ts';
import { environmentIdOf } from '../../api/derivedIds.ts';
import { LockstepApi } from '../../cli/apiClient.ts';
import { ROOT } from '../../config/paths.ts';
import { fixtureClient } from '../support/clients.ts';
import { Receiver } from '../support/receiver.ts';
import { ensureVenv } from '../support/pythonTools.ts';
import { stackContext, withServices } from '../support/services.ts';
import { dvpInstruction, waitForState, type SettlementView } from '../support/settlements.ts';
import { CUSTOM } from '../support/templates.ts';

const { manifest, dataDir } = stackContext();
const services = withServices();
const run = promisify(execFile);
const TOOL = join(ROOT, 'test/schemathesis');
const SEED = 20260317;
// The seeded webhook's endpoint answers at once, so test pings and deliveries do not wait on retries.
const receiver = new Receiver();
afterAll(() => receiver.stop());

interface RunReport {
  exit_code: number;
  test_cases: { generated: number; with_failures: number; unique_failures: number; errored: number };
  failures: { code: string; title: string; count: number; operations: string[] }[];
  errors: { title: string; count: number }[];
}

type Client = Awaited<ReturnType<typeof fixtureClient>>;

const newClient = (name: string, scopes: string[]) =>
  fixtureClient(services().db, { platform: `schemathesis-${name}-${randomUUID().slice(0, 8)}`, environment: 'sandbox', name: `schemathesis-${name}`, scopes });

/** Objects of each kind the tenant routes name, for the run to find by the list routes' links. */
async function seedTenant(client: Client): Promise<void> {
  const api = new LockstepApi(manifest.api_url);
  await api.authenticate(client.client_id, client.client_secret);
  // A namesake of a list entry: screening flags it and waits for a decision.
  const body = dvpInstruction(manifest, { template_id: 'dvp-review' });
  body.parties[1]!.name = 'Aqxa';
  const settlement = await api.request<SettlementView>('POST', '/v1/settlements', body);
  await waitForState(api, settlement.id, ['COMPLIANCE_CHECKING']);
  for (let i = 0; i < 100 && !(await services().db.settlementEvent.findFirst({ where: { settlementId: settlement.id, triggeredBy: 'compliance:flagged' } })); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await api.request('POST', '/v1/compliance/suppressions', { settlement_id: settlement.id, party_role: 'seller', list: 'ofac-sdn', entry_id: '18341', reason: 'checked' });
  await api.request('POST', '/v1/settlement-templates', { slug: `schemathesis-${randomUUID().slice(0, 8)}`, name: 'Fuzzed', config: CUSTOM });
  const webhook = await api.request<{ id: string }>('POST', '/v1/platforms/me/webhooks', { url: (await receiver.start()).url });
  await api.request('POST', `/v1/platforms/me/webhooks/${webhook.id}/test`);
}

/** One Schemathesis run as `client`; its JSON report and its printed output. */
async function fuzzAs(name: string, client: Client, args: string[], protect: string[]): Promise<{ report: RunReport; output: string }> {
  const bin = await ensureVenv('schemathesis', join(TOOL, 'requirements.txt'), (line) => process.stdout.write(`[schemathesis] ${line}\n`));
  const reportPath = join(dataDir, `schemathesis-${name}.json`);
  const env = {
    ...process.env,
    LOCKSTEP_CLIENT_ID: client.client_id,
    LOCKSTEP_CLIENT_SECRET: client.client_secret,
    LOCKSTEP_PROTECTED: [client.client_id, environmentIdOf(client.platform_id, client.environment), ...protect].join(' '),
  };
  const command = ['--config-file', 'schemathesis.toml', 'run', new URL('/openapi.json', manifest.api_url).href, '--seed', String(SEED),
    '--report', 'json', '--report-json-path', reportPath, '--no-color', ...args];
  // Schemathesis exits non-zero when it found anything; the report says what.
  const output = await run(join(bin, 'schemathesis'), command, { cwd: TOOL, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }).then(
    (r) => r.stdout + r.stderr,
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
  );
  return { report: JSON.parse(await readFile(reportPath, 'utf8')) as RunReport, output };
}

describe('schemathesis', () => {
  it('finds nothing wrong as a tenant admin or as the operator', { timeout: 900_000 }, async () => {
    const tenant = await newClient('tenant', [...TENANT_SCOPES]);
    await seedTenant(tenant);
    const operator = await newClient('operator', ['operator']);
    // Every platform there is before the operator's run (this file's own included) is out of its reach.
    const platforms = await services().db.platform.findMany({ select: { id: true, name: true } });
    // At once: neither can reach what the other works on, and the tenant's run waits on the stack more than it computes.
    const runs = await Promise.all([
      fuzzAs('tenant', tenant, ['--exclude-tag', 'operator'], []),
      fuzzAs('operator', operator, ['--include-tag', 'operator'], platforms.flatMap((p) => [p.id, p.name])),
    ]);
    const generated = runs.map((r) => r.report.test_cases.generated);
    process.stdout.write(`[schemathesis] ${generated[0]! + generated[1]!} cases generated (tenant admin ${generated[0]}, operator ${generated[1]})\n`);
    for (const { report, output } of runs) {
      expect([...report.failures, ...report.errors], output).toEqual([]);
      expect(report.exit_code, output).toBe(0);
    }
    expect(generated[0]! + generated[1]!).toBeGreaterThanOrEqual(5000);
  });
});
