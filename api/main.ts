// The HTTP API process.

import { Client, Connection } from '@temporalio/client';
import { chainFromConfig } from '../chain/client.ts';
import { loadLiveIndex } from '../compliance/listRefresh.ts';
import { loadConfig, screeningThresholds, webhookUrlPolicy } from '../config/config.ts';
import { temporalConnectionOptions } from '../config/temporalConnection.ts';
import { createLogger } from '../config/logger.ts';
import { createDb } from '../db/client.ts';
import { pruneKeys } from '../db/idempotencyKeys.ts';
import { pruneOfficeSessions } from '../db/officeUsers.ts';
import { ensureBuiltInTemplates, forgetTemplates, TEMPLATES_CHANNEL } from '../db/templates.ts';
import { listen } from '../db/notifications.ts';
import { AUTH_CHANNEL, TokenService } from './auth/tokens.ts';
import { secretKey } from '../db/secretBox.ts';
import { activityWriter } from './activityLog.ts';
import { createApp } from './app.ts';
import { sweepExpired } from './instructions/expire.ts';
import { repeat } from './periodic.ts';
import { workflowStarter } from './settlements/start.ts';

const config = loadConfig();
const log = createLogger('api', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL);
await ensureBuiltInTemplates(db);
const connection = await Connection.connect(temporalConnectionOptions(config));
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const chain = chainFromConfig(config);
const secretsKey = secretKey(config.SECRETS_KEY);
const tokens = new TokenService(db, {
  audience: config.JWT_AUDIENCE,
  acceptedAudiences: config.JWT_ACCEPTED_AUDIENCES,
  issuer: config.JWT_ISSUER,
  ttlSeconds: config.TOKEN_TTL_SECONDS,
  secretsKey,
});
await tokens.ensureSigningKey();
const stopListening = listen(config.DATABASE_URL, { [AUTH_CHANNEL]: () => tokens.forget(), [TEMPLATES_CHANNEL]: forgetTemplates }, log.error);

// Dry runs screen in this process, with an index of its own kept current like each worker's: a
// workflow that only screened would be a workflow execution that a dry run must not leave behind
// (docs/architecture.md, "Compliance screening"). The index is loaded at this process's first dry
// run, not at its start: an API never asked for one does not carry the lists' memory (about
// 160 MB resident with the bundled lists). A load that fails is tried again by the next dry run.
let liveIndex: ReturnType<typeof loadLiveIndex> | undefined;
let closing = false;
const screeningIndex = async () => {
  // A load begun during shutdown would start refresh timers nothing stops.
  if (closing) throw new Error('the API is shutting down');
  const loading = (liveIndex ??= loadLiveIndex({ db, log, kind: 'api' }, config));
  try {
    return (await loading).index;
  } catch (err) {
    log.error('sanctions lists could not be loaded for a dry run', { error: String(err) });
    if (liveIndex === loading) liveIndex = undefined;
    throw err;
  }
};
const defaultThresholds = screeningThresholds(config);

const taskQueue = config.TEMPORAL_TASK_QUEUE;
const starts = workflowStarter({ db, temporal, taskQueue, depositPollIntervalMs: config.DEPOSIT_POLL_INTERVAL_MS }, (err) =>
  log.error('workflow start failed', { error: String(err) }),
);
const deps = {
  db,
  temporal,
  chain,
  taskQueue,
  starts,
  minLeadMs: config.MIN_TIMEOUT_LEAD_SECONDS * 1000,
  maxLeadMs: config.MAX_TIMEOUT_DAYS * 86_400_000,
  instructionTtlMs: config.INSTRUCTION_TTL_SECONDS * 1000,
  temporalUiUrl: config.TEMPORAL_UI_URL,
  namespace: config.TEMPORAL_NAMESPACE,
  webhooks: {
    secretKey: secretsKey,
    policyFor: (environment: string) => webhookUrlPolicy(config, environment),
    // A dispatcher may be busy with a batch of its own before it takes the ping.
    testWaitMs: 2 * config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_POLL_MS + 2000,
  },
  defaultThresholds,
  screening: { index: screeningIndex, thresholds: defaultThresholds },
  confirmations: config.CONFIRMATIONS,
  tokens,
  activity: activityWriter(db, log.error),
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  secretsKey,
  office: { secure: config.API_PUBLIC_URL?.startsWith('https:') ?? false, sessionTtlMs: config.OFFICE_SESSION_HOURS * 3_600_000, loginsPerIpPerMinute: config.OFFICE_LOGINS_PER_IP_PER_MINUTE },
  errors: { serviceName: 'lockstep-api', buildVersion: config.BUILD_VERSION, log: log.error },
  stackStatusFile: config.STACK_STATUS_FILE,
};
const stopExpiring = sweepExpired(db, (err) => log.error('instruction expiry sweep failed', { error: String(err) }));
// Idempotency keys past their day are forgotten each hour (a retry of one is a new request anyway).
const stopPruning = repeat(3_600_000, async () => void (await pruneKeys(db)), (err) => log.error('idempotency key pruning failed', { error: String(err) }));
const stopSessionPruning = repeat(3_600_000, () => pruneOfficeSessions(db), (err) => log.error('office session pruning failed', { error: String(err) }));
const server = createApp(deps).listen(config.API_PORT, () => log.info('api listening', { port: config.API_PORT }));

async function shutdown() {
  closing = true;
  await starts.stop();
  stopPruning();
  stopSessionPruning();
  stopExpiring();
  // Requests in flight finish (and are logged) before the log's last rows are written; one that hangs is cut after 5 s.
  const cut = setTimeout(() => server.closeAllConnections(), 5000);
  await new Promise((resolve) => server.close(resolve));
  clearTimeout(cut);
  // After the requests: a first dry run still in flight may have begun the load.
  await liveIndex?.then(({ refresher }) => refresher.stop(), () => undefined);
  await deps.activity.close();
  await stopListening();
  await connection.close();
  await db.$disconnect();
}
const onSignal = () =>
  void shutdown().catch((err: unknown) => {
    log.error('shutdown failed', { error: String(err) });
    process.exitCode = 1;
  });
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
