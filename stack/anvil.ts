// anvil from npm. The binary is resolved straight from the per-platform optional
// dependency, so signals reach anvil itself and nothing depends on the package's
// postinstall script (which npm 11 skips unless allow-listed).

import { createRequire } from 'node:module';
import { ManagedProcess } from './process.ts';

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
