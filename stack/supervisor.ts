// Keeps the local stack alive the way systemd or Kubernetes keep a deployment alive: a
// process that exits without being asked to is started again after a backoff that doubles
// up to a cap, and one that keeps crashing is reported loudly while the rest stays up.
// What each process is doing is written to a status file for `lockstep status` and /readyz.

import { renameSync, writeFileSync } from 'node:fs';
import type { ServiceStatus, StackStatus } from '../config/serviceStatus.ts';
import type { ManagedProcess, ProcessExit } from './process.ts';

export interface SupervisorOptions {
  say: (line: string) => void;
  statusFile: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process up this long has recovered: its next crash starts the backoff afresh. */
  stableAfterMs?: number;
  crashLoop?: { exits: number; windowMs: number };
}

interface Entry {
  process: ManagedProcess;
  status: ServiceStatus;
  /** Exits since the process was last stable, which set the backoff. */
  failures: number;
  upSince: number;
  recentExits: number[];
  timer?: NodeJS.Timeout;
  restarting?: Promise<void> | undefined;
}

export class Supervisor {
  private readonly entries: Entry[] = [];
  private stopping = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableAfterMs: number;
  private readonly crashLoop: { exits: number; windowMs: number };

  constructor(private readonly opts: SupervisorOptions) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.stableAfterMs = opts.stableAfterMs ?? 60_000;
    this.crashLoop = opts.crashLoop ?? { exits: 5, windowMs: 120_000 };
  }

  /** Watches a process that has been started; from now on an exit nobody asked for starts it again. */
  watch(child: ManagedProcess): void {
    const entry: Entry = {
      process: child,
      status: { name: child.spec.name, state: 'up', pid: child.pid ?? null, restarts: 0, since: now(), last_exit: null, next_start_at: null, crash_looping: false },
      failures: 0,
      upSince: Date.now(),
      recentExits: [],
    };
    this.entries.push(entry);
    child.onExit((exit) => {
      // An exit during a restart's start-up is that restart's failure, handled where it is awaited.
      if (!exit.requested && !this.stopping && entry.status.state === 'up') this.exited(entry, exit);
    });
    this.write();
  }

  status(): StackStatus {
    return { supervisor_pid: process.pid, updated_at: now(), services: this.entries.map((e) => ({ ...e.status })) };
  }

  /** Stops every watched process, the last watched first, and restarts nothing from then on. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.entries].reverse()) {
      clearTimeout(entry.timer);
      await entry.restarting?.catch(() => undefined);
      await entry.process.stop().catch(() => undefined);
      this.set(entry, { state: 'down', pid: null, next_start_at: null });
    }
  }

  private exited(entry: Entry, exit: Pick<ProcessExit, 'code' | 'signal'>): void {
    const at = Date.now();
    // Only a run that stayed up that long has recovered; a failed start-up never resets the backoff.
    if (entry.status.state === 'up' && at - entry.upSince >= this.stableAfterMs) entry.failures = 0;
    entry.failures += 1;
    entry.recentExits = [...entry.recentExits, at].filter((t) => at - t <= this.crashLoop.windowMs);
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (entry.failures - 1));
    const crashLooping = entry.recentExits.length >= this.crashLoop.exits;
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    this.opts.say(`${entry.status.name} exited (${how}); restarting in ${formatDelay(delay)}`);
    if (crashLooping && !entry.status.crash_looping) {
      const log = entry.process.spec.logFile;
      this.opts.say(
        `\n!!! ${entry.status.name} is crash-looping: ${entry.recentExits.length} exits within ${this.crashLoop.windowMs / 1000} s. ` +
          `The rest of the stack stays up; ${entry.status.name} is retried every ${this.maxBackoffMs / 1000} s at most. Its log: ${log}\n`,
      );
    }
    this.set(entry, {
      state: crashLooping ? 'down' : 'restarting',
      pid: null,
      last_exit: { code: exit.code, signal: exit.signal, at: new Date(at).toISOString() },
      next_start_at: new Date(at + delay).toISOString(),
      crash_looping: crashLooping,
    });
    entry.timer = setTimeout(() => void this.restart(entry), delay);
  }

  private restart(entry: Entry): Promise<void> {
    // stop() waits for a start under way, so no child is spawned after everything stopped.
    entry.restarting = this.startAgain(entry).finally(() => {
      entry.restarting = undefined;
    });
    return entry.restarting;
  }

  private async startAgain(entry: Entry): Promise<void> {
    if (this.stopping) return;
    this.set(entry, { state: 'restarting', next_start_at: null });
    try {
      await entry.process.start();
    } catch (err) {
      if (this.stopping) return;
      // It did not come up: its start-up error goes to its log and the terminal, then the next backoff.
      this.opts.say(`${entry.status.name} did not start: ${err instanceof Error ? err.message : String(err)}`);
      this.exited(entry, { code: null, signal: null, ...entry.process.lastExit });
      return;
    }
    if (this.stopping) return void entry.process.stop();
    entry.upSince = Date.now();
    this.set(entry, { state: 'up', pid: entry.process.pid ?? null, restarts: entry.status.restarts + 1 });
    // A later crash that is not part of a loop clears the loop mark.
    setTimeout(() => {
      if (entry.status.state === 'up' && Date.now() - entry.upSince >= this.stableAfterMs) this.set(entry, { crash_looping: false });
    }, this.stableAfterMs).unref();
  }

  private set(entry: Entry, change: Partial<ServiceStatus>): void {
    const stateChanged = change.state !== undefined && change.state !== entry.status.state;
    entry.status = { ...entry.status, ...change, ...(stateChanged ? { since: now() } : {}) };
    this.write();
  }

  /** Written whole and renamed into place, so a reader never sees half a file. */
  private write(): void {
    const tmp = `${this.opts.statusFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.status(), null, 2)}\n`);
    renameSync(tmp, this.opts.statusFile);
  }
}

const now = () => new Date().toISOString();
const formatDelay = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
