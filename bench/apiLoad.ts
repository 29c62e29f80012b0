// The API under load, measured with vegeta (built from the Go module registry like the
// Temporal CLI): each path first closed-loop at a fixed number of connections, which gives
// its throughput, then open-loop at three quarters of that rate, which gives latencies that
// count the time a request waited to be sent (a closed loop hides it: coordinated omission).
// The process's bare /healthz runs the same way beside it, as the reference of what express
// alone serves on this machine in the same minutes.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ensureGoTool, type GoTool } from '../stack/goTool.ts';

export const VEGETA: GoTool = { name: 'vegeta', pkg: 'github.com/tsenart/vegeta/v12', version: 'v12.13.0', override: 'VEGETA' };

const END_OF_TARGETS = 'no targets to attack';

export interface Target {
  method: 'GET' | 'POST';
  url: string;
  header?: Record<string, string>;
  body?: unknown;
}

export interface LoadFigures {
  requests: number;
  /** Answers a second, whatever their status (a 404 path is measured too). */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  statusCodes: Record<string, number>;
  /** The distinct errors vegeta saw (connection failures, timeouts), if any. */
  errors: string[];
}

interface VegetaReport {
  requests: number;
  duration: number;
  wait: number;
  latencies: { '50th': number; '99th': number };
  status_codes: Record<string, number>;
  errors: string[] | null;
}

const encode = (t: Target) =>
  `${JSON.stringify({
    method: t.method,
    url: t.url,
    header: Object.fromEntries(Object.entries({ ...t.header, ...(t.body === undefined ? {} : { 'content-type': 'application/json' }) }).map(([k, v]) => [k, [v]])),
    ...(t.body === undefined ? {} : { body: Buffer.from(JSON.stringify(t.body)).toString('base64') }),
  })}\n`;

export interface Attack {
  /** The targets: one repeated, or a fresh one for every request (e.g. a create with its own idempotency key). */
  targets: Target | (() => Target);
  connections: number;
  /** Requests a second; 0: as fast as `connections` allow (closed loop). */
  rate: number;
  /** Seconds, or until `count` requests when given. */
  seconds: number;
  count?: number;
}

/** Until the pipe takes more, or is gone because the attack ended. */
function drained(pipe: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      pipe.off('drain', done).off('close', done);
      resolve();
    };
    pipe.once('drain', done).once('close', done);
  });
}

export async function attack(vegeta: string, a: Attack): Promise<LoadFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-load-'));
  try {
    const results = join(dir, 'results.bin');
    const closed = a.rate === 0;
    const args = [
      'attack',
      '-format=json',
      '-lazy',
      `-rate=${closed ? 0 : `${Math.max(1, Math.round(a.rate))}/s`}`,
      `-duration=${a.count ? '0' : `${a.seconds}s`}`,
      `-connections=${a.connections}`,
      `-workers=${a.connections}`,
      // Closed: exactly `connections` requests in flight. Open: as many as the rate needs.
      `-max-workers=${closed ? a.connections : 10_000}`,
      '-timeout=30s',
      `-output=${results}`,
    ];
    const child = spawn(vegeta, args, { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise<number>((resolve, reject) => child.on('error', reject).on('exit', (code) => resolve(code ?? 1)));
    // The attack stops reading when its time is up; what was still being written is not sent.
    child.stdin.on('error', () => undefined);
    // One target is encoded once: the generator shares the machine with what it measures.
    const fixed = typeof a.targets === 'function' ? undefined : encode(a.targets);
    const line = () => fixed ?? encode((a.targets as () => Target)());
    const limit = a.count ?? Infinity;
    for (let sent = 0; sent < limit && child.exitCode === null; sent++) {
      if (!child.stdin.write(line())) await drained(child.stdin);
      if (child.stdin.destroyed) break;
    }
    child.stdin.end();
    const code = await exited;
    if (code !== 0) throw new Error(`vegeta attack exited with ${code}`);
    const report = await runReport(vegeta, results);
    // A lazy attack ends by recording one failed request for the end of its targets; HTTP
    // statuses are in the status codes already: the errors left are the real ones.
    const ended = a.count !== undefined && report.errors?.includes(END_OF_TARGETS) ? 1 : 0;
    if (ended) report.status_codes['0'] = (report.status_codes['0'] ?? 0) - 1;
    if (report.status_codes['0'] === 0) delete report.status_codes['0'];
    return {
      requests: report.requests - ended,
      // Requests over the time to their last answer (vegeta's own rate counts only the sending).
      rate: (report.requests - ended) / ((report.duration + report.wait) / 1e9),
      p50Ms: report.latencies['50th'] / 1e6,
      p99Ms: report.latencies['99th'] / 1e6,
      statusCodes: report.status_codes,
      errors: (report.errors ?? []).filter((e) => e !== END_OF_TARGETS && !/^\d{3} /.test(e)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runReport(vegeta: string, results: string): Promise<VegetaReport> {
  const out = join(results, '..', 'report.json');
  await new Promise<void>((resolve, reject) =>
    spawn(vegeta, ['report', '-type=json', `-output=${out}`, results], { stdio: 'inherit' })
      .on('error', reject)
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vegeta report exited with ${code}`)))),
  );
  return JSON.parse(await readFile(out, 'utf8')) as VegetaReport;
}

export interface PathFigures {
  name: string;
  closed: LoadFigures;
  /** The open-loop run and the rate it was sent at. */
  open: LoadFigures;
  openRate: number;
}

/** Throughput closed-loop, then latencies open-loop at three quarters of it. */
export async function measurePath(vegeta: string, name: string, targets: Attack['targets'], connections: number, seconds: number): Promise<PathFigures> {
  const closed = await attack(vegeta, { targets, connections, rate: 0, seconds });
  const openRate = Math.max(1, Math.round(closed.rate * 0.75));
  const open = await attack(vegeta, { targets, connections, rate: openRate, seconds });
  return { name, closed, open, openRate };
}

export const ensureVegeta = (say: (line: string) => void) => ensureGoTool(VEGETA, say);

const outcomes = (f: LoadFigures) =>
  `[${Object.entries(f.statusCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ')}]${f.errors.length ? ` errors: ${f.errors.join('; ')}` : ''}`;

const rateAndLatency = (name: string, f: LoadFigures) =>
  `  ${name.padEnd(34)} ${f.rate.toFixed(0).padStart(6)} req/s  p50 ${f.p50Ms.toFixed(1).padStart(6)} ms  p99 ${f.p99Ms.toFixed(1).padStart(6)} ms`;

/** One line a run: its rate and latencies, the status codes and errors. */
export const formatLoad = (name: string, f: LoadFigures) => `${rateAndLatency(name, f)}  ${outcomes(f)}`;

/** One line a path: throughput and closed-loop latency, then the open-loop latency at 75% of it. */
export function formatPath(p: PathFigures, reference?: PathFigures): string {
  const share = reference ? `  ${((100 * p.closed.rate) / reference.closed.rate).toFixed(1).padStart(5)}% of ${reference.name}` : '';
  return `${rateAndLatency(p.name, p.closed)} | open at ${String(p.openRate).padStart(5)}/s: p50 ${p.open.p50Ms.toFixed(1).padStart(6)} ms  p99 ${p.open.p99Ms.toFixed(1).padStart(6)} ms${share}  ${outcomes(p.closed)}`;
}
