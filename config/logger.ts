// The one logger: JSON lines on stderr, quiet below LOG_LEVEL.

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/** Each level is a plain function, safe to pass on as a callback (`onError: log.error`). */
export interface Logger {
  debug: (message: string, fields?: Record<string, unknown>) => void;
  info: (message: string, fields?: Record<string, unknown>) => void;
  warn: (message: string, fields?: Record<string, unknown>) => void;
  error: (message: string, fields?: Record<string, unknown>) => void;
}

export function createLogger(service: string, level: LogLevel = 'info'): Logger {
  const write = (at: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[at] < LEVELS[level]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: at, service, message, ...fields }, bigintSafe)}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function bigintSafe(_key: string, value: unknown) {
  return typeof value === 'bigint' ? value.toString() : value;
}
