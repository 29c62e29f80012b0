// `lockstep listen --forward-to URL`: forwards a platform environment's webhook events to a
// local URL, as KeyStone's `keystone listen --forward-to` does, for development. It reads
// the events feed over the API (so the engine need not reach your machine) and signs each
// forward like a real delivery, with a secret made for this session and printed at start.

import { wants } from '../webhooks/events.ts';
import { newSecret } from '../webhooks/secrets.ts';
import { signatureHeaders } from '../webhooks/signing.ts';
import { ApiRequestError } from './apiClient.ts';
import type { CommandRunners } from './commands.ts';
import { apiCredentials, signedInApi } from './credentials.ts';
import { listOf, parse, UsageError, wholeNumber } from './options.ts';

interface Feed {
  items: { id: string; event: string; body: unknown }[];
  next_after: string;
}

export const commands = { listen } satisfies CommandRunners;

async function listen(args: string[]): Promise<void> {
  const { values } = parse(args, {
    'forward-to': { type: 'string' },
    events: { type: 'string', default: '*' },
    'poll-ms': { type: 'string', default: '1000' },
  });
  const target = values['forward-to'];
  if (!target) throw new UsageError('--forward-to is required, such as http://localhost:3000/webhooks');
  const pollMs = wholeNumber(values['poll-ms'], '--poll-ms', { min: 10, max: 60_000 });
  const patterns = listOf(values.events);

  const credentials = apiCredentials();
  const api = await signedInApi(credentials);

  const secret = newSecret();
  let after = (await api.request<Feed>('GET', '/v1/platforms/me/events')).next_after;
  process.stdout.write(`${JSON.stringify({ forwarding_to: target, events: patterns, signing_secret: secret })}\n`);
  process.stderr.write(`Ready. Forwarding ${patterns.join(', ')} to ${target}; signing secret for this session: ${secret} (Ctrl-C stops)\n`);

  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const pause = () => new Promise((resolve) => setTimeout(resolve, pollMs));
  while (!stop.signal.aborted) {
    let feed: Feed;
    try {
      feed = await api.request<Feed>('GET', `/v1/platforms/me/events?after=${after}`);
    } catch (err) {
      // An API restart or an expired token: say so and keep listening from the same cursor.
      process.stderr.write(`cannot read events (${(err as Error).message}); retrying\n`);
      if (err instanceof ApiRequestError && err.status === 401) await api.authenticate(credentials.clientId, credentials.clientSecret, credentials.audience).catch(() => undefined);
      await pause();
      continue;
    }
    for (const item of feed.items.filter((i) => wants(patterns, i.event))) {
      const body = JSON.stringify(item.body);
      const started = Date.now();
      const outcome = await fetch(target, {
        method: 'POST',
        headers: signatureHeaders({ id: item.id, timestamp: Math.floor(Date.now() / 1000), body }, [secret]),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      }).then(
        (r) => String(r.status),
        (err: Error) => `error: ${err.message}`,
      );
      process.stderr.write(`${new Date().toISOString()}  ${item.event}  ${item.id}  -> ${outcome} (${Date.now() - started} ms)\n`);
    }
    after = feed.next_after;
    if (!feed.items.length) await pause();
  }
}
