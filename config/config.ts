// The one config loader. Every process reads its settings from the environment
// here, so a missing or malformed setting fails at start with its name, not later.

import { z } from 'zod';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../domain/thresholds.ts';
import { DEFAULT_DEPOSIT_POLL_MS } from '../domain/deposits.ts';
import { LockstepError } from '../domain/errors.ts';

/** The worker's task queue unless TEMPORAL_TASK_QUEUE names another. */
export const DEFAULT_TASK_QUEUE = 'lockstep-settlements';

const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `must be 0x + ${bytes * 2} hex digits`);
const int = (min: number) => z.coerce.number().int().min(min);
const sourceUrl = z.string().regex(/^(https?:\/\/.+)?$/, 'must be an http(s) URL, or empty for none');

const schema = z.object({
  DATABASE_URL: z.string().min(1),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  TEMPORAL_UI_URL: z.string().default('http://localhost:8233'),
  /** TLS to the frontend (config/temporalConnection.ts); implied by any of the TLS files or an API key. */
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** PEM file of the CA that signed the frontend's certificate, where it is not a public one. */
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  /** PEM files of this client's certificate and key, for a frontend that asks for one (mTLS); both or neither. */
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  /** The name the frontend's certificate carries, where the address does not (an IP, a tunnel). */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** An API key (Temporal Cloud), sent as a bearer token over TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  CHAIN_ID: int(1),
  RPC_URL: z.string().url(),
  ESCROW_ADDRESS: hex(20),
  OPERATOR_PRIVATE_KEY: hex(32).optional(),
  CONFIRMATIONS: int(0).default(1),
  /** How long one attempt of an escrow transaction waits for it to be mined; the next attempt waits for the same transaction. */
  TX_RECEIPT_WAIT_MS: int(1000).default(120_000),
  LISTENER_POLL_MS: int(50).default(1000),
  ESCROW_DEPLOY_BLOCK: int(0).default(0),
  DEPOSIT_POLL_INTERVAL_MS: int(1000).default(DEFAULT_DEPOSIT_POLL_MS),
  /**
   * Settlements a worker keeps in memory between their steps. Past it the least recently used is
   * dropped and replayed from its history at its next step (a few milliseconds: its history is
   * short), so the worker's memory stays flat however many settlements await deposits.
   */
  WORKER_MAX_CACHED_WORKFLOWS: int(2).default(500),
  API_PORT: int(0).default(8000),
  /** timeout_at must leave the engine time to screen and register before the deadline. */
  MIN_TIMEOUT_LEAD_SECONDS: int(1).default(60),
  MAX_TIMEOUT_DAYS: int(1).default(30),
  /** How long an instruction waits for its counterparty at most (it also expires at its timeout_at). */
  INSTRUCTION_TTL_SECONDS: int(1).default(86_400),
  /** Where people and platforms reach the API; https makes the Web Office's session cookie Secure (TLS ended by a proxy in front). */
  API_PUBLIC_URL: z.string().optional(),
  /** How long a Web Office login lasts. */
  OFFICE_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(8),
  /** Web Office logins one client address may try per minute, per API process (api/office/loginLimit.ts). */
  OFFICE_LOGINS_PER_IP_PER_MINUTE: int(1).default(30),
  JWT_AUDIENCE: z.string().default('https://api.lockstep.local'),
  /** Comma-separated audiences a token request may also name, e.g. KeyStone's https://api.keystoneos.xyz so its SDK's default works. */
  JWT_ACCEPTED_AUDIENCES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean)),
  JWT_ISSUER: z.string().default('https://auth.lockstep.local/'),
  TOKEN_TTL_SECONDS: int(60).default(24 * 3600),
  /** Requests per minute per platform environment, shared by all API processes. */
  RATE_LIMIT_PER_MINUTE: int(1).default(600),
  /** Folder or base URL of OFAC's legacy CSV files (sdn.csv, alt.csv, add.csv, sdn_comments.csv); SANCTIONS_LISTS_DIR's by default. */
  SANCTIONS_OFAC_DIR: z.string().min(1).optional(),
  /** File or URL of OFAC's SDN.XML; read instead of the CSV files when both are set. */
  SANCTIONS_OFAC_XML: z.string().min(1).optional(),
  /** File or URL of the UN Security Council consolidated list (XML), screened beside OFAC's; SANCTIONS_LISTS_DIR's by default. */
  SANCTIONS_UN_FILE: z.string().min(1).optional(),
  /**
   * The folder `lockstep lists fetch` keeps current lists in (`ofac-sdn/`, `un/consolidated.xml`), and where
   * workers read them unless SANCTIONS_OFAC_DIR or SANCTIONS_UN_FILE say otherwise. No default: a deployment
   * that names no list refuses to start rather than screen against the repository's old snapshot.
   */
  SANCTIONS_LISTS_DIR: z.string().min(1).optional(),
  /** Where `lockstep lists fetch` downloads OFAC's legacy CSV files, under OFAC's own names (SDN.CSV, ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV); OFAC's Sanctions List Service by default, empty for none. */
  SANCTIONS_OFAC_SOURCE_URL: sourceUrl.default('https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/'),
  /** Where `lockstep lists fetch` downloads the UN Security Council consolidated list (XML); the UN's own by default, empty for none. */
  SANCTIONS_UN_SOURCE_URL: sourceUrl.default('https://scsanctions.un.org/resources/xml/en/consolidated.xml'),
  /** Workers re-read the lists this often (0: only at start and on request). */
  SANCTIONS_REFRESH_MINUTES: int(0).default(60),
  SANCTIONS_REFRESH_POLL_MS: int(100).default(2000),
  SCREENING_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(DEFAULT_THRESHOLDS.review),
  SCREENING_FAIL_THRESHOLD: z.coerce.number().min(0).max(1).default(DEFAULT_THRESHOLDS.fail),
  WALLET_BLOCKLIST: z.string().default(''),
  /** 32 bytes in base64: encrypts webhook signing secrets at rest. */
  SECRETS_KEY: z.string().refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64'),
  /** Environments where webhook URLs must be https and public, whatever WEBHOOK_ALLOW_PRIVATE_URLS says. */
  PRODUCTION_ENVIRONMENTS: z.string().default('production'),
  /** Development only: receivers on loopback or private addresses, outside production environments. */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Seconds to wait after each failed attempt (Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('5,300,1800,7200,18000,36000,36000')
    .transform((v) => v.split(',').map(Number))
    .refine((xs) => xs.every((x) => Number.isFinite(x) && x >= 0), 'must be comma-separated seconds'),
  WEBHOOK_FAILING_AFTER: int(1).default(5),
  WEBHOOK_TIMEOUT_MS: int(100).default(10_000),
  WEBHOOK_MAX_RESPONSE_BYTES: int(0).default(64 * 1024),
  WEBHOOK_CONCURRENCY: int(1).default(16),
  WEBHOOK_POLL_MS: int(10).default(500),
  BUILD_VERSION: z.string().default('0.1.0'),
  /** Set by `npm start` for the API: the supervisor's status file, whose services /readyz reports. */
  STACK_STATUS_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends LockstepError {
  override readonly name = 'ConfigError';
  override readonly docsPath = 'runbook.md#running-the-processes';
}

/** The whole config, or only `keys` for a process that needs less (e.g. the CLI needs only the database). */
export function loadConfig(env?: NodeJS.ProcessEnv): Config;
export function loadConfig<K extends keyof Config>(env: NodeJS.ProcessEnv, keys: K[]): Pick<Config, K>;
export function loadConfig(env: NodeJS.ProcessEnv = process.env, keys?: (keyof Config)[]) {
  const subset = keys ? schema.pick(Object.fromEntries(keys.map((k) => [k, true])) as Record<keyof Config, true>) : schema;
  const parsed = subset.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

/** How webhook URLs of one environment are checked, at registration and at delivery. */
export function webhookUrlPolicy(config: Pick<Config, 'PRODUCTION_ENVIRONMENTS' | 'WEBHOOK_ALLOW_PRIVATE_URLS'>, environment: string) {
  const production = config.PRODUCTION_ENVIRONMENTS.split(',').map((e) => e.trim()).includes(environment);
  return { requireHttps: production, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS && !production };
}

/** The name scores where screening reviews and where it fails, as configured. */
export function screeningThresholds(config: Pick<Config, 'SCREENING_REVIEW_THRESHOLD' | 'SCREENING_FAIL_THRESHOLD'>): Thresholds {
  return { review: config.SCREENING_REVIEW_THRESHOLD, fail: config.SCREENING_FAIL_THRESHOLD };
}

/** Addresses operators add to the wallet screen on top of the sanctions lists. */
export function walletBlocklist(config: Pick<Config, 'WALLET_BLOCKLIST'>): string[] {
  return config.WALLET_BLOCKLIST.split(',')
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
}
