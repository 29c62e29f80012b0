import { once } from 'node:events';
import { createServer } from 'node:net';

/** A loopback port the OS says is free right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not allocate a port');
  return address.port;
}
