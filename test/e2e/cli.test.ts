import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient';
import { ROOT } from '../../stack/paths';
import { stackContext, withServices } from '../support/services';

const { manifest } = stackContext();
withServices(); // the API this file's commands talk to

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: manifest.database_url },
  });

describe('lockstep clients create', () => {
  it('prints a new client as JSON whose credentials get a token with exactly its scopes', async () => {
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

  it('refuses unknown scopes and a missing platform', async () => {
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
      env: { ...process.env, SANCTIONS_OFAC_DIR: manifest.sanctions_ofac_dir, SANCTIONS_UN_FILE: manifest.sanctions_un_file },
    }).then(({ stdout }) => stdout);

  it('compares two names, screens one, and reports the lists', async () => {
    expect(JSON.parse(await screen(['screen', 'compare', 'Vladimir Pulin', 'Vladimir Putin']))).toMatchObject({ score: expect.any(Number), reason: expect.stringMatching(/pulin~putin/) });
    const top = JSON.parse(await screen(['screen', 'name', 'Banco Nacional de Cubx']));
    expect(top.matches[0]).toMatchObject({ list: 'ofac-sdn', entry_id: '306', quality: 'strong' });
    const status = JSON.parse(await screen(['lists', 'status']));
    expect(status.lists.map((l: { list: string }) => l.list)).toEqual(['ofac-sdn', 'un-consolidated']);
    expect(status.lists[0]).toMatchObject({ contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), entryCount: expect.any(Number) });
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
