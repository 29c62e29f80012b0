// Every `lockstep` command, once: its words, its arguments as the usage shows them, and the
// file of its group, loaded only when one of its commands runs (most commands need neither
// Temporal's client nor the sanctions lists nor viem, which take seconds to load).

import { ROLES, SCOPES } from '../access/scopes.ts';

export interface Command {
  name: string;
  /** Its arguments and options, as the usage shows them. */
  args?: string;
  /** What the usage says under it. */
  note?: string;
  /** Its group's file, whose `commands` (CommandRunners) runs it. */
  group: () => Promise<Group>;
}

interface Group {
  commands: Partial<Record<string, Runner>>;
}

/** Runs a command with the arguments after its name. */
export type Runner = (args: string[]) => Promise<void> | void;

const platforms = (): Promise<Group> => import('./platforms.ts');
const clients = (): Promise<Group> => import('./clients.ts');
const users = (): Promise<Group> => import('./users.ts');
const audit = (): Promise<Group> => import('./audit.ts');
const admin = (): Promise<Group> => import('./admin.ts');
const screening = (): Promise<Group> => import('./screening.ts');
const instructions = (): Promise<Group> => import('./instructions.ts');
const settlements = (): Promise<Group> => import('./settlements.ts');
const listen = (): Promise<Group> => import('./listen.ts');
const status = (): Promise<Group> => import('./status.ts');
const demo = (): Promise<Group> => import('./demo.ts');

export const COMMANDS = [
  { name: 'platforms create', args: 'NAME [--environments sandbox,production]', group: platforms },
  { name: 'platforms list', group: platforms },
  { name: 'environments create', args: '--platform NAME --environment ENV', group: platforms },
  { name: 'environments rate-limit', args: '--platform NAME --environment ENV --per-minute N|default', group: platforms },
  {
    name: 'clients create',
    args: '--platform NAME [--environment sandbox] [--name NAME] [--scopes a,b,...] [--refresh-policy issettled]',
    note: `the platform and environment must exist; scopes: ${SCOPES.join(', ')}`,
    group: clients,
  },
  { name: 'clients deactivate', args: 'CLIENT_ID', note: 'its tokens fail at once', group: clients },
  {
    name: 'clients rotate-secret',
    args: 'CLIENT_ID [--revoke-tokens]',
    note: 'a new secret, shown once; the old one stops working; with --revoke-tokens its live tokens fail at once too',
    group: clients,
  },
  {
    name: 'clients restrict',
    args: 'CLIENT_ID [--ip-ranges CIDR,...] [--endpoints "GET /v1/settlements/*",...] [--wallets 0x...,...]',
    note: 'an empty value lifts that restriction',
    group: clients,
  },
  { name: 'keys rotate', note: 'a new token signing key; old tokens keep verifying until they expire', group: clients },
  {
    name: 'users create',
    args: `--platform NAME [--environment sandbox] --email EMAIL [--name NAME] [--role ${ROLES.join('|')}]`,
    note: "a Web Office user, administrator by default, with a password chosen for it and shown once: an environment's first Administrator",
    group: users,
  },
  { name: 'activity', args: '[--platform NAME --environment ENV] [--client CLIENT_ID] [--user USER_ID] [--failures] [--limit 50]', group: audit },
  { name: 'trail verify', args: 'SETTLEMENT_ID', note: 'is the audit trail intact? (exits 1 when not)', group: audit },
  { name: 'admin stuck', args: '[--idle-minutes 60] [--limit 1000]', note: 'settlements past their deadline or idle', group: admin },
  { name: 'admin cancel', args: 'SETTLEMENT_ID [--reason TEXT]', group: admin },
  { name: 'admin force-rollback', args: 'SETTLEMENT_ID [--reason TEXT]', group: admin },
  { name: 'screen name', args: '"<name>" [--type individual|organization] [--country XX] [--dob YYYY-MM-DD]', group: screening },
  { name: 'screen compare', args: '"<name a>" "<name b>" [Person|Company]', group: screening },
  { name: 'screen batch', args: '<file.csv>', note: 'columns name, or name1,name2[,schema]', group: screening },
  { name: 'lists status', note: 'the configured lists, and what each worker holds', group: screening },
  { name: 'lists refresh', note: 'every running worker re-reads its lists now', group: screening },
  {
    name: 'lists fetch',
    args: '[--into DIR] [--allow-drop] [--no-refresh]',
    note: "downloads OFAC's and the UN's current lists into DIR (default SANCTIONS_LISTS_DIR), checks them and swaps them in; then the workers re-read theirs, when DATABASE_URL is set",
    group: screening,
  },
  {
    name: 'settlements dry-run',
    args: 'FILE|-',
    note: 'FILE: a settlement create as JSON; what it would meet now (screening, tokens, balances, approvals, ERC-3643, gas, timeout), nothing created; exits 1 when a check fails',
    group: settlements,
  },
  { name: 'instructions submit', args: 'FILE|- [--trade-reference REF]', note: 'FILE: an InstructionCreate as JSON; idempotency_key made when absent', group: instructions },
  { name: 'instructions dry-run', args: 'FILE|- [--trade-reference REF]', note: 'what a submit would meet now, nothing created; exit 1 when the settlement it would make fails a check', group: instructions },
  { name: 'instructions get', args: 'ID', group: instructions },
  { name: 'instructions list', args: '[--status pending_match|matched|expired|cancelled] [--trade-reference REF] [--limit 50]', group: instructions },
  { name: 'instructions cancel', args: 'ID', group: instructions },
  { name: 'listen', args: '--forward-to URL [--events settlement.state.*,...] [--poll-ms 1000]', note: 'webhook events to a local URL', group: listen },
  { name: 'status', args: '[--json]', note: "the local stack's processes: up, restarting or down", group: status },
  { name: 'demo', args: '[--bilateral] [--manifest PATH]', note: '--bilateral: seller and buyer each submit their own instruction', group: demo },
] as const satisfies readonly Command[];

export type CommandName = (typeof COMMANDS)[number]['name'];

/** What a group's file hands the table: a runner for each of its commands, by name. */
export type CommandRunners = { [K in CommandName]?: Runner };

/** The command `argv` names (its longest name that starts argv), and the arguments after that name. */
export function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  for (const words of [2, 1]) {
    const command = COMMANDS.find((c: Command) => c.name === argv.slice(0, words).join(' '));
    if (command) return { command, args: argv.slice(words) };
  }
  return undefined;
}

/** The usage: every command in the table, with its arguments and what it does. */
export function usage(commands: readonly Command[] = COMMANDS): string {
  const lines = commands.flatMap((c) => {
    const line = `  lockstep ${c.name}${c.args ? ` ${c.args}` : ''}`;
    return c.note ? [line, `      (${c.note})`] : [line];
  });
  return `usage:\n${lines.join('\n')}`;
}
