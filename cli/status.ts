// `lockstep status`: which processes of the local stack are up, restarting or down, as
// the supervisor of `npm start` last wrote them. Exits 1 unless every one is up.

import { readStackStatus, type ServiceStatus } from '../config/serviceStatus.ts';
import { DEV_DATA_DIR, statusPath } from '../stack/manifest.ts';
import type { CommandRunners } from './commands.ts';
import { parse } from './options.ts';

export const commands = {
  status: (args) => showStatus(parse(args, { json: { type: 'boolean', default: false } }).values.json),
} satisfies CommandRunners;

function showStatus(json: boolean): void {
  const file = statusPath(DEV_DATA_DIR);
  const stack = readStackStatus(file);
  if (!stack || !stack.supervisor_running) {
    process.stderr.write(`the stack in ${DEV_DATA_DIR} is not running${stack ? ` (its supervisor, pid ${stack.supervisor_pid}, is gone)` : ''}: start it with npm start\n`);
    process.exitCode = 1;
    return;
  }
  if (json) process.stdout.write(`${JSON.stringify(stack, null, 2)}\n`);
  else process.stdout.write(`${table(stack.services)}\n`);
  if (stack.services.some((s) => s.state !== 'up')) process.exitCode = 1;
}

function table(services: ServiceStatus[]): string {
  const rows = services.map((s) => [
    s.name,
    s.crash_looping ? `${s.state} (crash-looping)` : s.state,
    s.pid === null ? '-' : String(s.pid),
    String(s.restarts),
    s.next_start_at ? `next start ${s.next_start_at}` : `since ${s.since}`,
    s.last_exit ? `last exit ${s.last_exit.signal ? `signal ${s.last_exit.signal}` : `code ${s.last_exit.code}`} at ${s.last_exit.at}` : '',
  ]);
  const all = [['SERVICE', 'STATE', 'PID', 'RESTARTS', 'WHEN', 'LAST EXIT'], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
