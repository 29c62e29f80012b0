// The Temporal SDK's own logs (the worker's, and what workflow code logs through `log`) as the
// project's JSON lines at its LOG_LEVEL: one format and one level for everything a worker says.

import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger, LogLevel } from '../config/logger.ts';

const SDK_LEVELS = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

/** Before the worker's first connection: the runtime is made once, with the first one. */
export function installSdkLogger(log: Logger, level: LogLevel): void {
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVELS[level], (entry: LogEntry) => {
      const at: LogLevel = entry.level === 'TRACE' ? 'debug' : (entry.level.toLowerCase() as LogLevel);
      log[at](entry.message, plain(entry.meta));
    }),
  });
}

/** Errors as their stacks: as JSON an Error is `{}`. */
function plain(meta: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta).map(([key, value]) => [key, value instanceof Error ? (value.stack ?? String(value)) : value]));
}
