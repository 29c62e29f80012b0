import { once } from 'node:events';
import { createServer } from 'node:net';

async function tryListen(port: number): Promise<number | undefined> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err as Error))]);
  } catch {
    return undefined;
  }
  const address = server.address();
  server.close();
  return address === null || typeof address === 'string' ? undefined : address.port;
}

/** A loopback port the OS says is free right now. */
export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === undefined) throw new Error('could not allocate a port');
  return port;
}

/**
 * A free loopback port below 32768, outside the OS's range for ephemeral ports: Temporal keeps
 * its services' membership ports in a smallint column.
 */
export async function freeLowPort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = await tryListen(20_000 + Math.floor(Math.random() * 12_000));
    if (port !== undefined) return port;
  }
  throw new Error('could not find a free port below 32768');
}
