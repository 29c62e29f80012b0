import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient.ts';
import { guideSides } from '../../cli/instruction.ts';
import { ROOT } from '../../config/paths.ts';
import { stackContext, withServices } from '../support/services.ts';

const { manifest } = stackContext();
withServices(); // the API this file's commands talk to

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: manifest.database_url },
  });

describe('lockstep platforms, environments and clients', () => {
  it('creates a platform and its environments once, and lists them', async () => {
    const made = JSON.parse((await run(['platforms', 'create', 'cli-made', '--environments', 'sandbox'])).stdout);
    expect(made).toMatchObject({ platform: 'cli-made', environments: ['sandbox'] });
    await expect(run(['platforms', 'create', 'cli-made'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/platform cli-made exists/) });
    await run(['environments', 'create', '--platform', 'cli-made', '--environment', 'production']);
    await expect(run(['environments', 'create', '--platform', 'cli-made', '--environment', 'production'])).rejects.toMatchObject({ stderr: expect.stringMatching(/has an environment production/) });
    await run(['environments', 'rate-limit', '--platform', 'cli-made', '--environment', 'production', '--per-minute', '42']);
    const listed = JSON.parse((await run(['platforms', 'list'])).stdout) as { platform: string; environments: unknown[] }[];
    expect(listed.find((p) => p.platform === 'cli-made')?.environments).toEqual([
      { name: 'sandbox', rate_limit_per_minute: 'default' },
      { name: 'production', rate_limit_per_minute: 42 },
    ]);
    await expect(run(['platforms', 'create', 'bad name'])).rejects.toMatchObject({ stderr: expect.stringMatching(/not a platform name/) });
  });

  it('prints a new client as JSON whose credentials get a token with exactly its scopes', async () => {
    await run(['platforms', 'create', 'cli-platform']);
    const { stdout } = await run(['clients', 'create', '--platform', 'cli-platform', '--scopes', 'settlements:read']);
    const client = JSON.parse(stdout) as { client_id: string; client_secret: string };
    expect(client).toMatchObject({ platform: 'cli-platform', environment: 'sandbox', scopes: ['settlements:read'] });

    const api = new LockstepApi(manifest.api_url);
    await api.authenticate(client.client_id, client.client_secret);
    expect(await api.request('GET', '/v1/settlements')).toMatchObject({ items: [], total: 0 });
    const write = await api.request('POST', '/v1/settlements', {}).catch((err: unknown) => err);
    expect(write).toBeInstanceOf(ApiRequestError);
    expect((write as ApiRequestError).status).toBe(403);
  });

  it('refuses unknown scopes, a platform or environment nobody made, and a missing platform', async () => {
    await expect(run(['clients', 'create', '--platform', 'cli-typo', '--scopes', 'settlements:read'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no platform cli-typo; create it with "lockstep platforms create"/),
    });
    await expect(run(['clients', 'create', '--platform', 'cli-platform', '--environment', 'prod', '--scopes', 'settlements:read'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/platform cli-platform has no environment prod/),
    });
    await expect(run(['clients', 'create', '--platform', 'x', '--scopes', 'root'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown scope\(s\): root/),
    });
    await expect(run(['clients', 'create'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--platform is required/) });
  });
});

describe('lockstep screen and lists', () => {
  const screen = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: manifest.database_url, SANCTIONS_OFAC_DIR: manifest.sanctions_ofac_dir, SANCTIONS_UN_FILE: manifest.sanctions_un_file },
    }).then(({ stdout }) => stdout);

  it('compares two names, screens one, and reports the lists', async () => {
    expect(JSON.parse(await screen(['screen', 'compare', 'Vladimir Pulin', 'Vladimir Putin']))).toMatchObject({ score: expect.any(Number), reason: expect.stringMatching(/pulin~putin/) });
    const top = JSON.parse(await screen(['screen', 'name', 'Banco Nacional de Cubx']));
    expect(top.matches[0]).toMatchObject({ list: 'ofac-sdn', entry_id: '306', quality: 'strong' });
    const namesake = JSON.parse(await screen(['screen', 'name', 'Gilberto Jose Rodriguez Orejuela', '--dob', '1975-05-05', '--country', 'CO']));
    expect(namesake.matches[0]).toMatchObject({ entry_id: '4107', score: 0.88, reason: expect.stringMatching(/date of birth differs \(-0.15\); country agrees \(\+0.03\)/) });
    await expect(screen(['screen', 'name', 'X', '--dob', '1975-02-30'])).rejects.toMatchObject({ stderr: expect.stringMatching(/--dob: must be a real date/) });
    const status = JSON.parse(await screen(['lists', 'status']));
    expect(status.configured.map((l: { list: string }) => l.list)).toEqual(['ofac-sdn', 'un-consolidated']);
    expect(status.configured[1]).toMatchObject({ contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), entryCount: expect.any(Number), publishedAt: '2026-02-27T00:00:09.554Z' });
    // The stack's worker recorded what it loaded at start.
    expect(status.workers[0]).toMatchObject({ worker: expect.any(String), error: null, versions: [{ list: 'ofac-sdn' }, { list: 'un-consolidated' }] });
  });

  it('asks the running workers to refresh their lists and prints what each loaded', async () => {
    const out = JSON.parse(await screen(['lists', 'refresh']));
    // Same files: re-read and compared, nothing rebuilt.
    expect(out).toMatchObject({ request_id: expect.any(String), loads: [{ trigger: 'request', changed: false, error: null, request_id: out.request_id }] });
  });

  it('scores a CSV of name pairs, one JSON line each', async () => {
    const file = join(stackContext().dataDir, 'pairs.csv');
    writeFileSync(file, 'name1,name2,schema\nOlaf Scholze,Olaf Scholz,Person\nBarack Obama,Michelle Obama,Person\n');
    const lines = (await screen(['screen', 'batch', file])).trim().split('\n').map((l) => JSON.parse(l) as { score: number });
    expect(lines).toHaveLength(2);
    expect(lines[0]!.score).toBeGreaterThan(0.85);
    expect(lines[1]!.score).toBeLessThan(0.7);
  });
});

describe('lockstep instructions', () => {
  const api = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOCKSTEP_API_URL: manifest.api_url, LOCKSTEP_CLIENT_ID: manifest.client.client_id, LOCKSTEP_CLIENT_SECRET: manifest.client.client_secret },
    });

  it('submits both sides from files, lists the trade, and cancels a lone side once', async () => {
    const sides = guideSides(manifest);
    const file = (name: string, body: unknown) => {
      const path = join(stackContext().dataDir, `${name}-${Date.now()}.json`);
      writeFileSync(path, JSON.stringify(body));
      return path;
    };
    const { idempotency_key: _, ...seller } = sides.seller;
    const first = JSON.parse((await api(['instructions', 'submit', file('seller', seller)])).stdout) as { id: string; trade_reference: string; status: string };
    expect(first.status).toBe('pending_match');
    const second = JSON.parse((await api(['instructions', 'submit', file('buyer', sides.buyer), '--trade-reference', first.trade_reference])).stdout) as { status: string };
    expect(second.status).toBe('matched');
    const listed = JSON.parse((await api(['instructions', 'list', '--trade-reference', first.trade_reference])).stdout) as { items: { status: string }[] };
    expect(listed.items.map((i) => i.status)).toEqual(['matched', 'matched']);

    const lone = JSON.parse((await api(['instructions', 'submit', file('lone', { ...sides.seller, idempotency_key: `lone-${Date.now()}` })])).stdout) as { id: string };
    expect(JSON.parse((await api(['instructions', 'cancel', lone.id])).stdout)).toMatchObject({ status: 'cancelled' });
    await expect(api(['instructions', 'cancel', lone.id])).rejects.toMatchObject({ stderr: expect.stringContaining('Instruction is not cancellable') });
  });
});
