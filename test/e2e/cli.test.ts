import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiRequestError, LockstepApi } from '../../cli/apiClient';
import { ROOT } from '../../stack/paths';
import { stackContext, withServices } from '../support/services';

const { manifest } = stackContext();
const services = withServices();

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
