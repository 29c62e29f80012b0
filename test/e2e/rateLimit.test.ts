// The per-environment rate limit with three API processes sharing it, at the default 600 a
// minute: never more than 600 requests of a minute admitted, and no fewer than 98% of them
// (each process leases counts and may end the window with some unused); another environment
// is not affected.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureClient } from '../support/clients.ts';
import { freePort } from '../../stack/ports.ts';
import { serviceProcess } from '../../stack/services.ts';
import { stackContext, withServices } from '../support/services.ts';

const { manifest, secrets, dataDir } = stackContext();
const services = withServices();
const apis: ReturnType<typeof serviceProcess>[] = [];
const urls: string[] = [];

beforeAll(async () => {
  for (const name of ['limited-a', 'limited-b', 'limited-c']) {
    const port = await freePort();
    const logDir = join(dataDir, 'logs', name);
    mkdirSync(logDir, { recursive: true });
    apis.push(await serviceProcess('api', manifest, secrets, { logDir, env: { API_PORT: String(port), RATE_LIMIT_PER_MINUTE: '600' } }).start());
    urls.push(`http://127.0.0.1:${port}`);
  }
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
});

async function tokenFor(environment: string): Promise<string> {
  const client = await fixtureClient(services().db, { platform: 'limited-platform', environment, name: 'limited', scopes: ['settlements:read'] });
  const res = await fetch(new URL('/oauth/token', urls[0]), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const get = (base: string, token: string) => fetch(new URL('/v1/settlements?limit=1', base), { headers: { authorization: `Bearer ${token}` } });

describe('rate limits', () => {
  it('admits between 98% and 100% of 600 requests a minute across three API processes, and leaves another environment alone', async () => {
    const token = await tokenFor('limit-a');
    const admitted: number[] = [];
    let refused = 0;
    // 660 requests, spread over the three processes, 20 at a time.
    for (let batch = 0; batch < 33; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => get(urls[i % urls.length]!, token)));
      for (const a of answers) {
        expect(a.headers.get('x-ratelimit-limit')).toBe('600');
        const resetAfter = Number(a.headers.get('x-ratelimit-reset-after'));
        expect(resetAfter).toBeGreaterThan(0);
        expect(resetAfter).toBeLessThanOrEqual(60);
        // A Unix time in seconds, as KeyStone documents it: now plus the seconds left.
        expect(Math.abs(Number(a.headers.get('x-ratelimit-reset')) - (Math.ceil(Date.now() / 1000) + resetAfter))).toBeLessThanOrEqual(2);
        if (a.status === 200) admitted.push(Number(a.headers.get('x-ratelimit-remaining')));
        else {
          expect(a.status).toBe(429);
          expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(a.headers.get('x-ratelimit-remaining')).toBe('0');
          expect(await a.json()).toMatchObject({ code: 'rate_limited' });
          refused++;
        }
      }
    }
    expect(admitted.length).toBeLessThanOrEqual(600);
    expect(admitted.length).toBeGreaterThanOrEqual(588);
    expect(refused).toBe(660 - admitted.length);
    // Each count was given out once, by whichever process served it: the processes share one counter.
    expect(new Set(admitted).size).toBe(admitted.length);
    for (const base of urls) expect((await get(base, token)).status).toBe(429);

    const other = await get(urls[1]!, await tokenFor('limit-b'));
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe('599');
  });
});

describe('an environment with its own limit', () => {
  it('applies a limit set for one environment from the command line', async () => {
    const token = await tokenFor('limit-own');
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { ROOT } = await import('../../config/paths.ts');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'environments', 'rate-limit', '--platform', 'limited-platform', '--environment', 'limit-own', '--per-minute', '3'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: manifest.database_url },
    });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(urls[0]!, token));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('3');
  });
});
