// How every process reaches Temporal: its address and, for a deployment that asks for them,
// TLS (the CA behind the frontend's certificate, a client certificate for mTLS) and an API key
// (Temporal Cloud). One definition for the API, the worker, the listener and the CLI.

import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type Config } from './config.ts';

export const TEMPORAL_CONNECTION_KEYS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CA_FILE',
  'TEMPORAL_TLS_CERT_FILE',
  'TEMPORAL_TLS_KEY_FILE',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
] as const satisfies (keyof Config)[];

export type TemporalConnectionSettings = Pick<Config, (typeof TEMPORAL_CONNECTION_KEYS)[number]>;

/** Options for both the client's Connection and the worker's NativeConnection. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

export function temporalConnectionOptions(c: TemporalConnectionSettings): TemporalConnectionOptions {
  if (!c.TEMPORAL_TLS_CERT_FILE !== !c.TEMPORAL_TLS_KEY_FILE) {
    throw new ConfigError('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together: a client certificate needs its key');
  }
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${name}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  const tlsWanted = c.TEMPORAL_TLS || !!(c.TEMPORAL_TLS_CA_FILE || c.TEMPORAL_TLS_CERT_FILE || c.TEMPORAL_TLS_SERVER_NAME || c.TEMPORAL_API_KEY);
  const tls: TLSConfig | undefined = tlsWanted
    ? {
        ...(c.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: read('TEMPORAL_TLS_CA_FILE', c.TEMPORAL_TLS_CA_FILE) } : {}),
        ...(c.TEMPORAL_TLS_CERT_FILE && c.TEMPORAL_TLS_KEY_FILE
          ? { clientCertPair: { crt: read('TEMPORAL_TLS_CERT_FILE', c.TEMPORAL_TLS_CERT_FILE), key: read('TEMPORAL_TLS_KEY_FILE', c.TEMPORAL_TLS_KEY_FILE) } }
          : {}),
        ...(c.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : undefined;
  return { address: c.TEMPORAL_ADDRESS, ...(tls ? { tls } : {}), ...(c.TEMPORAL_API_KEY ? { apiKey: c.TEMPORAL_API_KEY } : {}) };
}
