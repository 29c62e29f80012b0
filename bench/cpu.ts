// Where a run's CPU went: each process's user and system time from /proc, with what its
// children used (PostgreSQL's backends are its children: the live ones are read, and the
// ended ones are in the parent's own count of its reaped children). Linux only.

import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc counts CPU time in these ticks a second on Linux. */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** Its own user and system time, and its reaped children's. */
  own: number;
  reaped: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ", the fields from the third on; comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const at = (n: number) => Number(fields[n - 3]);
    return { ppid: at(4), own: at(14) + at(15), reaped: at(16) + at(17) };
  } catch {
    return undefined; // ended
  }
}

/** CPU seconds used so far by `pid` and its children, live and ended. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const self = stat(pid);
  if (!self) return 0;
  let ticks = self.own + self.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = stat(Number(entry));
    if (child?.ppid === pid) ticks += child.own;
  }
  return ticks / TICKS_PER_SECOND;
}

export type CpuSnapshot = Map<string, number>;

export function cpuSnapshot(processes: { name: string; pid: number | undefined }[]): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map(processes.map((p) => [p.name, cpuSeconds(p.pid)]));
  const self = process.cpuUsage();
  snapshot.set('bench (this process)', (self.user + self.system) / 1e6);
  return snapshot;
}

/** One line: each process's CPU seconds between two snapshots, largest first, as a share of the wall time's cores. */
export function formatCpu(before: CpuSnapshot, after: CpuSnapshot, wallSeconds: number): string {
  const used = [...after].map(([name, seconds]) => ({ name, seconds: Math.max(0, seconds - (before.get(name) ?? 0)) }));
  const total = used.reduce((sum, u) => sum + u.seconds, 0);
  const parts = used.sort((a, b) => b.seconds - a.seconds).map((u) => `${u.name} ${u.seconds.toFixed(1)}`);
  return `${total.toFixed(1)} CPU s in ${wallSeconds.toFixed(1)} s (${(total / wallSeconds).toFixed(2)} cores busy): ${parts.join(', ')}`;
}
