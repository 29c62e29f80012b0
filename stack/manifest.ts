// The local stack's facts, written for people and scripts: where everything is,
// which contracts and wallets exist, the bootstrap client's credentials and the first Web
// Office Administrator's.

import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ROOT } from '../config/paths.ts';
import type { Address, Hex } from 'viem';

export interface Manifest {
  api_url: string;
  /** `kind`: the CLI's dev server, or the Temporal server with PostgreSQL (stack/temporalServer.ts). */
  temporal: { kind: TemporalKind; address: string; namespace: string; task_queue: string; ui_url: string };
  database_url: string;
  chain: {
    chain_id: number;
    rpc_url: string;
    escrow_address: Address;
    deploy_block: number;
    confirmations: number;
    tokens: Record<string, { address: Address; decimals: number; name: string }>;
  };
  wallets: Record<'operator' | 'seller' | 'buyer', { address: Address; private_key: Hex }>;
  client: { client_id: string; client_secret: string; platform_id: string; environment: string; audience: string; token_url: string };
  /** The first Administrator of the bootstrap client's platform environment, for the Web Office. */
  office_admin: { email: string; password: string; platform: string; environment: string; login_url: string };
  sanctions_ofac_dir: string;
  sanctions_un_file: string;
}

export type TemporalKind = 'dev' | 'server';

/** Which Temporal the stack runs: `--temporal server|dev` among `args`, else LOCKSTEP_TEMPORAL, else the dev server. */
export function temporalKindOf(args: string[] = [], env: NodeJS.ProcessEnv = process.env): TemporalKind {
  const flag = args.indexOf('--temporal');
  const kind = flag >= 0 ? args[flag + 1] : env.LOCKSTEP_TEMPORAL || 'dev';
  if (kind !== 'dev' && kind !== 'server') throw new Error(`--temporal (or LOCKSTEP_TEMPORAL) is dev or server, not "${kind ?? ''}"`);
  return kind;
}

/** Settings only the stack's own processes see; never printed. */
export interface StackSecrets {
  /** Encrypts webhook signing secrets at rest. */
  secrets_key: string;
}

/** The dev stack's data folder: LOCKSTEP_DATA_DIR, else data/dev in the clone. */
export const DEV_DATA_DIR = process.env.LOCKSTEP_DATA_DIR ? resolve(process.env.LOCKSTEP_DATA_DIR) : join(ROOT, 'data', 'dev');
export const manifestPath = (dataDir: string) => join(dataDir, 'manifest.json');
const secretsPath = (dataDir: string) => join(dataDir, 'secrets.json');
/** Written by the supervisor of `npm start` (stack/supervisor.ts). */
export const statusPath = (dataDir: string) => join(dataDir, 'status.json');

export function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

export async function writeManifest(dataDir: string, manifest: Manifest, secrets: StackSecrets): Promise<void> {
  await writeFile(manifestPath(dataDir), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await writeFile(secretsPath(dataDir), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
}

export function readStack(dataDir: string): { manifest: Manifest; secrets: StackSecrets } | undefined {
  const manifest = readJson<Manifest>(manifestPath(dataDir));
  const secrets = readJson<StackSecrets>(secretsPath(dataDir));
  return manifest && secrets ? { manifest, secrets } : undefined;
}

/** The environment the worker, API, listener and CLI read their config from. */
export function serviceEnv(manifest: Manifest, secrets: StackSecrets): Record<string, string> {
  return {
    DATABASE_URL: manifest.database_url,
    TEMPORAL_ADDRESS: manifest.temporal.address,
    TEMPORAL_NAMESPACE: manifest.temporal.namespace,
    TEMPORAL_TASK_QUEUE: manifest.temporal.task_queue,
    TEMPORAL_UI_URL: manifest.temporal.ui_url,
    CHAIN_ID: String(manifest.chain.chain_id),
    RPC_URL: manifest.chain.rpc_url,
    ESCROW_ADDRESS: manifest.chain.escrow_address,
    CONFIRMATIONS: String(manifest.chain.confirmations),
    ESCROW_DEPLOY_BLOCK: String(manifest.chain.deploy_block),
    API_PORT: new URL(manifest.api_url).port,
    JWT_AUDIENCE: manifest.client.audience,
    SECRETS_KEY: secrets.secrets_key,
    // A development stack: receivers on this machine (localhost) may be registered outside production.
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    SANCTIONS_OFAC_DIR: manifest.sanctions_ofac_dir,
    SANCTIONS_UN_FILE: manifest.sanctions_un_file,
  };
}

/** For the CLI: the running dev stack's settings, overridden by the caller's environment. */
export function cliEnv(): NodeJS.ProcessEnv {
  const stack = readStack(DEV_DATA_DIR);
  return { ...(stack ? serviceEnv(stack.manifest, stack.secrets) : {}), ...process.env };
}
