// One signer at a time (worker/signer.ts), on the stack's real PostgreSQL: the second worker
// waits while the first holds the operator's lock, and takes over when the first stops or
// its connection dies, as a worker killed with -9 loses it.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../config/logger.ts';
import { leadSigning, type Serving } from '../../worker/signer.ts';
import { stackContext } from '../support/services.ts';

const { manifest } = stackContext();
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A stand-in for the signer's worker: it records when it serves, until shut down. */
function recorder(name: string, serving: string[]) {
  return async (): Promise<Serving> => {
    serving.push(`${name} starts`);
    let end: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (end = resolve));
    return {
      run: () => done,
      shutdown: () => {
        serving.push(`${name} stops`);
        end();
      },
    };
  };
}

const until = async (what: string, done: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Two workers asking for a lock of their own, the second once the first signs. */
async function twoWorkers() {
  const lockName = `test-operator:${randomUUID()}`;
  const serving: string[] = [];
  const ask = (name: string) => leadSigning({ databaseUrl: manifest.database_url, lockName, serve: recorder(name, serving), log: quiet, onLost: () => serving.push('lost'), checkMs: 200 });
  const first = ask('first');
  await until('the first signs', () => serving.includes('first starts'));
  return { lockName, serving, first, second: ask('second') };
}

describe('one signer at a time', () => {
  it('lets a second worker sign only once the first has stopped', async () => {
    const { serving, first, second } = await twoWorkers();
    await new Promise((r) => setTimeout(r, 1000));
    expect(serving).toEqual(['first starts']);
    await first.stop();
    await until('the second signs', () => serving.includes('second starts'));
    expect(serving).toEqual(['first starts', 'first stops', 'second starts']);
    await second.stop();
  });

  it("hands over when the signer's session ends, and the old signer stops serving", async () => {
    const { lockName, serving, first, second } = await twoWorkers();
    // What a kill -9 does to the lock's connection: PostgreSQL ends the session, and the lock with it.
    const admin = new pg.Client({ connectionString: manifest.database_url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND (l.classid::bigint << 32 | l.objid::bigint) = hashtextextended($1, 0)`,
        [lockName],
      );
      expect(rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    await until('the second signs', () => serving.includes('second starts'));
    await until('the first stops', () => serving.includes('first stops'));
    // The first was told, as its worker must be: it exits on it (worker/main.ts).
    expect(serving.indexOf('lost')).toBeLessThan(serving.indexOf('first stops'));
    await Promise.all([first.stop(), second.stop()]);
  });
});
