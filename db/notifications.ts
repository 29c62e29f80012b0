// PostgreSQL's LISTEN/NOTIFY on a connection of its own, kept open: how one process learns at
// once that another (or a person at psql) changed something it keeps a copy of. A notification
// can be missed while the connection is down, so every channel's handler runs too when the
// connection is lost and when it is back: whoever keeps a copy forgets it, and never trusts one
// longer than its own expiry anyway. One connection listens on every channel a process needs.

import pg from 'pg';

const RECONNECT_MS = 1000;

export function listen(databaseUrl: string, channels: Record<string, () => void>, log: (message: string, fields: Record<string, unknown>) => void): () => Promise<void> {
  const names = Object.keys(channels);
  const forgetAll = () => names.forEach((name) => channels[name]!());
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
      log('notification connection lost', { channels: names, error: err.message });
      forgetAll();
      void c.end().catch(() => undefined);
      retry = setTimeout(() => void connect(), RECONNECT_MS);
    };
    c.on('notification', (n) => channels[n.channel]?.());
    c.on('error', lose);
    c.on('end', () => lose(new Error('connection ended')));
    try {
      await c.connect();
      for (const name of names) await c.query(`LISTEN ${pg.escapeIdentifier(name)}`);
      // Stopped meanwhile: stop() has ended this very connection.
      if (stopped) return;
      // Whatever changed while no connection listened is unknown: forget it all.
      forgetAll();
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
