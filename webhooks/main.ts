// The webhook dispatcher process: sends queued deliveries until SIGINT or SIGTERM.

import { loadConfig, webhookUrlPolicy } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDb } from '../db/client.ts';
import { Dispatcher } from './dispatcher.ts';
import { secretKey } from '../db/secretBox.ts';

const config = loadConfig();
const log = createLogger('webhooks', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL);
const dispatcher = new Dispatcher({
  db,
  log,
  secretKey: secretKey(config.SECRETS_KEY),
  retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
  failingAfter: config.WEBHOOK_FAILING_AFTER,
  policyFor: (environment) => webhookUrlPolicy(config, environment),
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  maxResponseBytes: config.WEBHOOK_MAX_RESPONSE_BYTES,
  concurrency: config.WEBHOOK_CONCURRENCY,
  pollMs: config.WEBHOOK_POLL_MS,
});
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
log.info('dispatching webhooks', { retrySchedule: config.WEBHOOK_RETRY_SCHEDULE, concurrency: config.WEBHOOK_CONCURRENCY });
await dispatcher.run(stop.signal);
await db.$disconnect();
