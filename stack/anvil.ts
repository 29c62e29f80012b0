// anvil from npm. The binary is resolved straight from the per-platform optional
// dependency, so signals reach anvil itself and nothing depends on the package's
// postinstall script (which npm 11 skips unless allow-listed).

import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex, type Hex } from 'viem';
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';
import { freePort } from './ports.ts';
import { ManagedProcess } from './process.ts';

/** anvil's well-known development accounts (its public test mnemonic), funded at start: never real funds. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** The index-th of anvil's development accounts; 0 deploys and operates the escrow wherever this project starts anvil. */
export function anvilAccount(index: number): HDAccount {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
}

/** Its private key, for the processes that sign with a key from their settings. */
export function anvilKey(index: number): Hex {
  const key = anvilAccount(index).getHdKey().privateKey;
  if (!key) throw new Error('could not derive an anvil key');
  return toHex(key);
}

function anvilBinary(): string {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    return createRequire(import.meta.url).resolve(`${pkg}/bin/anvil`);
  } catch {
    throw new Error(`anvil binary not found: ${pkg} is not installed (unsupported platform, or optional dependencies omitted)`);
  }
}

export async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    signal: AbortSignal.timeout(1000),
  });
  return res.ok;
}

export interface AnvilSettings {
  port: number;
  /** Seconds between blocks; without it anvil mines one block per transaction. */
  blockTime?: number;
  /** Loaded on start and dumped on stop (and every few seconds), so a dev chain survives restarts. */
  stateFile?: string;
  logFile: string;
  echo?: boolean;
}

/** An anvil of one's own on a free port, a block per transaction, its log in the OS's temp folder: for a test file or a benchmark. */
export async function startScratchAnvil(name = 'anvil'): Promise<{ anvil: ManagedProcess; rpcUrl: string }> {
  const port = await freePort();
  const anvil = await startAnvil({ port, logFile: join(tmpdir(), `lockstep-${name}-${port}.log`) });
  return { anvil, rpcUrl: `http://127.0.0.1:${port}` };
}

export async function startAnvil(s: AnvilSettings): Promise<ManagedProcess> {
  const args = ['--host', '127.0.0.1', '--port', String(s.port), '--chain-id', '31337'];
  if (s.blockTime !== undefined) args.push('--block-time', String(s.blockTime));
  if (s.stateFile !== undefined) args.push('--state', s.stateFile, '--state-interval', '5');
  return new ManagedProcess({
    name: 'anvil',
    command: anvilBinary(),
    args,
    logFile: s.logFile,
    echo: s.echo,
    readyTimeoutMs: 15_000,
    ready: () => rpcAnswers(`http://127.0.0.1:${s.port}`),
  }).start();
}
