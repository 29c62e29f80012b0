// One HTTP POST to a receiver, with the limits a receiver cannot talk us out of: the URL
// and every address it resolves to are checked at delivery time too (DNS may have changed
// since registration; the guarded lookup resolves once and connects to what it checked),
// redirects are not followed, and the response is read with a time and size limit.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, parseWebhookUrl, type UrlPolicy } from './urlGuard.ts';

export interface DeliveryLimits {
  policy: UrlPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface PostResult {
  /** Absent when no response came (refused address, timeout, connection error). */
  statusCode?: number;
  error?: string;
  latencyMs: number;
}

/** Reads at most `max` bytes of a response and drops the rest. */
function drain(response: IncomingMessage, max: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    response.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > max) response.destroy();
    });
    response.on('end', resolve);
    response.on('close', resolve);
    response.on('error', () => resolve());
  });
}

export async function postWebhook(url: string, headers: Record<string, string>, body: string, limits: DeliveryLimits): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: URL;
  try {
    target = parseWebhookUrl(url, limits.policy);
  } catch (err) {
    return { error: (err as Error).message, latencyMs: elapsed() };
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Lockstep-Webhooks/1' },
        lookup: guardedLookup(limits.policy),
        timeout: limits.timeoutMs,
      },
      (response) => {
        // A 3xx is an answer, not a place to go: redirects are never followed.
        void drain(response, limits.maxResponseBytes).then(() => resolve({ statusCode: response.statusCode ?? 0, latencyMs: elapsed() }));
      },
    );
    // The socket timeout covers a silent connection; the overall timer covers a slow trickle.
    const deadline = setTimeout(() => req.destroy(new Error(`no complete answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${limits.timeoutMs} ms`)));
    req.on('error', (err) => resolve({ error: err.message, latencyMs: elapsed() }));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
