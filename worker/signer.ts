// One signer at a time. Every worker runs settlements, but the escrow operator's transactions
// (registration, swap, refund) are activities of a task queue of their own, and only the worker
// holding the operator's lock in PostgreSQL polls it. Two workers signing with one key would
// each count the key's nonces and send two transactions under one nonce; one signer, whose
// nonce manager sees every transaction it makes, cannot.
//
// The lock is a session advisory lock on a connection of its own: PostgreSQL releases it when
// that connection ends, so a signer killed with -9 hands over within moments, and its
// transactions' activities are retried on the next signer, which resumes each from its
// heartbeat (the same signed bytes, never a second transaction). A signer that loses its lock
// (the connection fails, or a check of it fails or hangs) is told at once (`onLost`): the
// worker then exits, so that no transaction already on its way in it is signed after another
// worker has taken over; its supervisor starts it again.

import pg from 'pg';
import type { Logger } from '../config/logger.ts';

/** What the lock leader runs: a worker on the signer's task queue. */
export interface Serving {
  run(): Promise<void>;
  shutdown(): void;
}

export interface SignerOptions {
  databaseUrl: string;
  /** What the lock is for: one chain and operator address. */
  lockName: string;
  /** Starts serving the signer's task queue; called each time this process becomes the signer. */
  serve: () => Promise<Serving>;
  log: Logger;
  /** The lock was lost while serving (not on stop); `reason` says how. */
  onLost: (reason: string) => void;
  /** How often a waiting worker asks for the lock, and the signer proves it still holds it. */
  checkMs?: number;
}

export interface Signer {
  /** Stops waiting, or stops serving and lets the lock go. */
  stop(): Promise<void>;
}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind (it is called every second). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export function leadSigning({ databaseUrl, lockName, serve, log, onLost, checkMs = 1000 }: SignerOptions): Signer {
  const stopping = new AbortController();

  /** One connection's turn: wait for the lock, serve while it holds, and end when it ends. */
  async function turn(): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl, keepAlive: true, statement_timeout: checkMs * 5, query_timeout: checkMs * 5 });
    let lost: (reason: string) => void = () => undefined;
    const connectionLost = new Promise<string>((resolve) => (lost = resolve));
    client.on('error', (err) => lost(`the lock's connection failed: ${err.message}`));
    client.on('end', () => lost("the lock's connection ended"));
    try {
      await client.connect();
      const holds = async () => (await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS held', [lockName])).rows[0]!.held;
      while (!(await holds())) {
        await sleep(checkMs, stopping.signal);
        if (stopping.signal.aborted) return;
      }
      log.info('signing as the escrow operator', { lock: lockName });
      const serving = await serve();
      const served = serving.run();
      const why = await Promise.race([
        served.then(
          () => 'the signer stopped',
          (err: unknown) => `the signer stopped: ${String(err)}`,
        ),
        connectionLost,
        (async () => {
          // Proves the lock is still this connection's: a check that fails ends the serving.
          while (!stopping.signal.aborted) {
            await sleep(checkMs, stopping.signal);
            if (!stopping.signal.aborted) await client.query('SELECT 1');
          }
          return 'stopping';
        })().catch((err: unknown) => `the lock could not be checked: ${String(err)}`),
      ]);
      if (why !== 'stopping') {
        log.warn('no longer the signer', { lock: lockName, reason: why });
        onLost(why);
      }
      if (!why.startsWith('the signer stopped')) serving.shutdown();
      await served.catch(() => undefined);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  const running = (async () => {
    while (!stopping.signal.aborted) {
      await turn().catch((err: unknown) => log.error('signer lock failed', { error: String(err) }));
      await sleep(checkMs, stopping.signal);
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
