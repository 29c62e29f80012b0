// What the local stack's supervisor (stack/supervisor.ts) knows of each process, as it
// writes it to its status file, and the one reader of that file (`lockstep status`, /readyz).

import { existsSync, readFileSync } from 'node:fs';

export type ServiceState = 'up' | 'restarting' | 'down';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  pid: number | null;
  /** Starts after the first. */
  restarts: number;
  /** Since when the service is in this state. */
  since: string;
  last_exit: { code: number | null; signal: string | null; at: string } | null;
  /** When the next start is due, while it waits out a backoff. */
  next_start_at: string | null;
  /** It exits again and again: still retried, at the longest backoff. */
  crash_looping: boolean;
}

export interface StackStatus {
  supervisor_pid: number;
  updated_at: string;
  services: ServiceStatus[];
}

/** The file as last written, and whether its supervisor still runs; undefined when there is no file. */
export function readStackStatus(file: string): (StackStatus & { supervisor_running: boolean }) | undefined {
  if (!existsSync(file)) return undefined;
  const status = JSON.parse(readFileSync(file, 'utf8')) as StackStatus;
  return { ...status, supervisor_running: isRunning(status.supervisor_pid) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
