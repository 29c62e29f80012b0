// PostgreSQL's LISTEN/NOTIFY on a connection of its own, kept open: how one process learns at
// once that another (or a person at psql) changed something it keeps a copy of. A notification
// can be missed while the connection is down, so `onNotify` runs too when the connection is lost
// and when it is back: whoever keeps a copy forgets it, and never trusts one longer than its own
// expiry anyway.

import pg from 'pg';

const RECONNECT_MS = 1000;

export function listen(databaseUrl: string, channel: string, onNotify: () => void, log: (message: string, fields: Record<string, unknown>) => void): () => Promise<void> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    // Keepalive: a connection dropped without a reset (a failover, a NAT timeout) is noticed, not listened to forever.
    const c = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
    client = c;
    let lost = false;
    const lose = (err: Error) => {
      if (lost || stopped) return;
      lost = true;
      log('notification connection lost', { channel, error: err.message });
      onNotify();
      void c.end().catch(() => undefined);
      retry = setTimeout(() => void connect(), RECONNECT_MS);
    };
    c.on('notification', onNotify);
    c.on('error', lose);
    c.on('end', () => lose(new Error('connection ended')));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      // Stopped meanwhile: stop() has ended this very connection.
      if (stopped) return;
      // Whatever changed while no connection listened is unknown: forget it all.
      onNotify();
    } catch (err) {
      lose(err as Error);
    }
  };
  void connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
