// A webhook receiver for the tests: a real HTTP server on 127.0.0.1 that records what it gets
// and answers what the test tells it to.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; event: string; data: Record<string, unknown> };
}

export class Receiver {
  readonly received: Received[] = [];
  /** The status to answer each request with; 200 unless a test says otherwise. */
  respond: (r: Received, nth: number) => number = () => 200;
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Starts, on the same port as before when restarted, so registered endpoints reach it again. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const r = { headers: req.headers, body, json: JSON.parse(body) as Received['json'] };
        const status = this.respond(r, this.received.filter((x) => x.json.id === r.json.id).length + 1);
        this.received.push(r);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
    this.server?.closeAllConnections();
  }

  /** Waits until `done` holds for what has arrived. */
  async waitFor(done: (received: Received[]) => boolean, timeoutMs = 60_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      if (Date.now() > deadline) throw new Error(`receiver: not there after ${timeoutMs} ms; got ${this.received.map((r) => r.json.event).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.received;
  }

  ofSettlement(id: string): Received[] {
    return this.received.filter((r) => r.json.data.settlement_id === id);
  }
}
