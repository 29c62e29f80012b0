#!/usr/bin/env node
// `lockstep` command line: operator tasks against the configured database.
//   lockstep platforms create|list | environments create|rate-limit --platform NAME --environment ENV ...
//   lockstep clients create --platform NAME [--environment sandbox] [--name NAME] [--scopes a,b] [--refresh-policy issettled]
//   lockstep clients deactivate CLIENT_ID | clients restrict CLIENT_ID ... | keys rotate | activity ...
//   lockstep users create --platform NAME [--environment sandbox] --email EMAIL [--name NAME] [--role administrator]
//   lockstep trail verify SETTLEMENT_ID
//   lockstep admin stuck [--idle-minutes 60] | admin cancel ID [--reason R] | admin force-rollback ID [--reason R]
//   lockstep screen name|compare|batch ... | lists status|refresh|fetch [--into DIR] [--allow-drop] [--no-refresh]
//   lockstep listen --forward-to URL [--events PATTERNS]
//   lockstep status [--json]
//   lockstep instructions submit|get|list|cancel ...
//   lockstep demo [--bilateral] [--manifest data/dev/manifest.json]

import { parseArgs } from 'node:util';
import { isRole, ROLES, SCOPES } from '../access/scopes.ts';
import { loadConfig } from '../config/config.ts';
import { findActivity } from '../db/activity.ts';
import { presentActivity } from '../operations/present.ts';
import { createApiClient, deactivateApiClient, updateApiClient, rotateClientSecret } from '../db/clients.ts';
import { createOfficeUser } from '../db/officeUsers.ts';
import { createEnvironment, createPlatform, listPlatforms, setRateLimit } from '../db/platforms.ts';
import { secretKey } from '../db/secretBox.ts';
import { KEY_ROTATION_NOTE, rotateSigningKey } from '../db/signingKeys.ts';
import { verifyTrail } from '../db/auditTrail.ts';
import { withDb } from './db.ts';
import { INSTRUCTIONS_USAGE } from './instructions.ts';
import { cliEnv } from '../stack/manifest.ts';

const USAGE = `usage:
  lockstep platforms create NAME [--environments sandbox,production]
  lockstep platforms list
  lockstep environments create --platform NAME --environment ENV
  lockstep environments rate-limit --platform NAME --environment ENV --per-minute N|default
  lockstep clients create --platform NAME [--environment sandbox] [--name NAME] [--scopes ${SCOPES.join(',')}] [--refresh-policy issettled]
                                            (the platform and environment must exist)
  lockstep clients deactivate CLIENT_ID     (its tokens fail at once)
  lockstep clients rotate-secret CLIENT_ID [--revoke-tokens]
                                            (a new secret, shown once; the old one stops working;
                                             with --revoke-tokens its live tokens fail at once too)
  lockstep clients restrict CLIENT_ID [--ip-ranges CIDR,...] [--endpoints "GET /v1/settlements/*",...] [--wallets 0x...,...]
                                            (an empty value lifts that restriction)
  lockstep users create --platform NAME [--environment sandbox] --email EMAIL [--name NAME] [--role ${ROLES.join('|')}]
                                            (a Web Office user, administrator by default, with a password
                                             chosen for it and shown once: an environment's first Administrator)
  lockstep keys rotate                      (a new token signing key; old tokens keep verifying until they expire)
  lockstep activity [--platform NAME --environment ENV] [--client CLIENT_ID] [--user USER_ID] [--failures] [--limit 50]
  lockstep trail verify SETTLEMENT_ID
  lockstep admin stuck [--idle-minutes 60]
  lockstep admin cancel SETTLEMENT_ID [--reason TEXT]
  lockstep admin force-rollback SETTLEMENT_ID [--reason TEXT]
  lockstep screen name "<name>" [--type individual|organization] [--country XX] [--dob YYYY-MM-DD]
  lockstep screen compare "<name a>" "<name b>" [Person|Company]
  lockstep screen batch <file.csv>          (columns name, or name1,name2[,schema])
  lockstep lists status                     (the configured lists, and what each worker holds)
  lockstep lists refresh                    (every running worker re-reads its lists now)
  lockstep lists fetch [--into DIR] [--allow-drop] [--no-refresh]
                                            (downloads OFAC's and the UN's current lists into DIR, default
                                             SANCTIONS_LISTS_DIR, checks them and swaps them in; then the
                                             workers re-read theirs, when DATABASE_URL is set)
  lockstep listen --forward-to URL [--events settlement.state.*,...]   (webhook events to a local URL)
  lockstep status [--json]                  (the local stack's processes: up, restarting or down)
${INSTRUCTIONS_USAGE}
  lockstep demo [--bilateral] [--manifest PATH]
                                            (--bilateral: seller and buyer each submit their own instruction)`;

async function main(argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  if (group === '--help' || group === '-h' || group === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (group === 'clients' && command === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        platform: { type: 'string' },
        environment: { type: 'string', default: 'sandbox' },
        name: { type: 'string', default: 'default' },
        scopes: { type: 'string', default: 'settlements:read,settlements:write,templates:read,platform:read' },
        'refresh-policy': { type: 'string' },
      },
    });
    const platform = values.platform;
    if (!platform) throw new UsageError('--platform is required');
    const refreshPolicy = values['refresh-policy'];
    if (refreshPolicy !== undefined && refreshPolicy !== 'issettled') throw new UsageError('--refresh-policy can only be issettled');
    const client = await withDb((db) =>
      createApiClient(db, {
        platform,
        environment: values.environment,
        name: values.name,
        scopes: values.scopes.split(',').map((s) => s.trim()).filter(Boolean),
        refreshPolicy,
      }),
    );
    process.stdout.write(`${JSON.stringify(client, null, 2)}\n`);
    return;
  }
  if (group === 'users' && command === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        platform: { type: 'string' },
        environment: { type: 'string', default: 'sandbox' },
        email: { type: 'string' },
        name: { type: 'string', default: 'Administrator' },
        role: { type: 'string', default: 'administrator' },
      },
    });
    const { platform, email, role } = values;
    if (!platform || !email) throw new UsageError('--platform and --email are required');
    if (!isRole(role)) throw new UsageError(`--role is one of ${ROLES.join(', ')}`);
    const { user, password } = await withDb((db) => createOfficeUser(db, { platform, environment: values.environment, email, name: values.name, role }));
    process.stdout.write(`${JSON.stringify({ id: user.id, email: user.email, role: user.role, platform, environment: user.environment, password }, null, 2)}\n`);
    return;
  }
  if (group === 'platforms' && command === 'create') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { environments: { type: 'string', default: 'sandbox,production' } } });
    const [name] = positionals;
    if (!name) throw new UsageError('a platform name is required');
    const environments = values.environments.split(',').map((e) => e.trim()).filter(Boolean);
    const platform = await withDb((db) => createPlatform(db, name, environments));
    process.stdout.write(`${JSON.stringify({ platform_id: platform.id, platform: name, environments: platform.environments.map((e) => e.name) }, null, 2)}\n`);
    return;
  }
  if (group === 'platforms' && command === 'list') {
    const { items } = await withDb((db) => listPlatforms(db, { limit: 10_000, offset: 0 }));
    const rows = items.map((p) => ({ platform_id: p.id, platform: p.name, environments: p.environments.map((e) => ({ name: e.name, rate_limit_per_minute: e.rateLimitPerMinute ?? 'default' })) }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (group === 'environments' && command === 'create') {
    const { values } = parseArgs({ args: rest, options: { platform: { type: 'string' }, environment: { type: 'string' } } });
    if (!values.platform || !values.environment) throw new UsageError('--platform and --environment are required');
    await withDb((db) => createEnvironment(db, values.platform!, values.environment!));
    process.stdout.write(`${JSON.stringify({ platform: values.platform, environment: values.environment })}\n`);
    return;
  }
  if (group === 'environments' && command === 'rate-limit') {
    const { values } = parseArgs({ args: rest, options: { platform: { type: 'string' }, environment: { type: 'string' }, 'per-minute': { type: 'string' } } });
    const perMinute = values['per-minute'];
    if (!values.platform || !values.environment || !perMinute) throw new UsageError('--platform, --environment and --per-minute are required');
    const limit = perMinute === 'default' ? null : Number(perMinute);
    if (limit !== null && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--per-minute must be a positive whole number or default');
    await withDb((db) => setRateLimit(db, values.platform!, values.environment!, limit));
    process.stdout.write(`${JSON.stringify({ platform: values.platform, environment: values.environment, rate_limit_per_minute: limit ?? 'default' })}\n`);
    return;
  }
  if (group === 'clients' && command === 'deactivate') {
    const [clientId] = rest;
    if (!clientId) throw new UsageError('a client id is required');
    await withDb((db) => deactivateApiClient(db, clientId));
    process.stdout.write(`${JSON.stringify({ client_id: clientId, active: false })}\n`);
    return;
  }
  if (group === 'clients' && command === 'rotate-secret') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'revoke-tokens': { type: 'boolean', default: false } } });
    const [clientId] = positionals;
    if (!clientId) throw new UsageError('a client id is required');
    const { secret, revokedTokens } = await withDb((db) => db.$transaction((tx) => rotateClientSecret(tx, clientId, { revokeTokens: values['revoke-tokens'] })));
    process.stdout.write(`${JSON.stringify({ client_id: clientId, client_secret: secret, revoked_tokens: revokedTokens }, null, 2)}\n`);
    return;
  }
  if (group === 'clients' && command === 'restrict') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { 'ip-ranges': { type: 'string' }, endpoints: { type: 'string' }, wallets: { type: 'string' } },
    });
    const [clientId] = positionals;
    if (!clientId) throw new UsageError('a client id is required');
    const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));
    const restrictions = await withDb((db) => updateApiClient(db, clientId, { ipRanges: list(values['ip-ranges']), endpoints: list(values.endpoints), wallets: list(values.wallets) }));
    process.stdout.write(`${JSON.stringify({ client_id: clientId, ...restrictions }, null, 2)}\n`);
    return;
  }
  if (group === 'activity') {
    const { values } = parseArgs({
      args: argv.slice(1),
      options: { platform: { type: 'string' }, environment: { type: 'string', default: 'sandbox' }, client: { type: 'string' }, user: { type: 'string' }, failures: { type: 'boolean', default: false }, limit: { type: 'string', default: '50' } },
    });
    const page = await withDb(async (db) => {
      const platform = values.platform ? await db.platform.findUnique({ where: { name: values.platform } }) : undefined;
      if (values.platform && !platform) throw new Error(`no platform ${values.platform}`);
      const { items, total } = await findActivity(db, {
        platformId: platform?.id,
        environment: platform ? values.environment : undefined,
        clientId: values.client,
        userId: values.user,
        failures: values.failures,
        limit: Number(values.limit),
        offset: 0,
      });
      return { items: items.map(presentActivity), total };
    });
    process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  if (group === 'keys' && command === 'rotate') {
    const key = secretKey(loadConfig(cliEnv(), ['SECRETS_KEY']).SECRETS_KEY);
    const kid = await withDb((db) => rotateSigningKey(db, key));
    process.stdout.write(`${JSON.stringify({ kid, note: KEY_ROTATION_NOTE })}\n`);
    return;
  }
  if (group === 'trail' && command === 'verify') {
    const [settlementId] = rest;
    if (!settlementId) throw new UsageError('a settlement id is required');
    const events = await withDb((db) => db.settlementEvent.findMany({ where: { settlementId } }));
    if (!events.length) throw new Error(`settlement ${settlementId} has no events`);
    const verdict = verifyTrail(events);
    process.stdout.write(`${JSON.stringify({ settlement_id: settlementId, ...verdict }, null, 2)}\n`);
    if (!verdict.valid) process.exitCode = 1;
    return;
  }
  if (group === 'admin' && command) {
    const { runAdmin } = await import('./admin.ts');
    await runAdmin(command, rest);
    return;
  }
  if (group === 'screen' && command) {
    const { runScreen } = await import('./screening.ts');
    await runScreen(command, rest);
    return;
  }
  if (group === 'lists' && command) {
    const { runLists } = await import('./screening.ts');
    await runLists(command, rest);
    return;
  }
  if (group === 'listen') {
    const { runListen } = await import('./listen.ts');
    await runListen(argv.slice(1));
    return;
  }
  if (group === 'status') {
    const { values } = parseArgs({ args: argv.slice(1), options: { json: { type: 'boolean', default: false } } });
    const { runStatus } = await import('./status.ts');
    runStatus(values.json);
    return;
  }
  if (group === 'instructions') {
    const { runInstructions } = await import('./instructions.ts');
    await runInstructions(command, rest);
    return;
  }
  if (group === 'demo') {
    const { values } = parseArgs({ args: argv.slice(1), options: { manifest: { type: 'string' }, bilateral: { type: 'boolean', default: false } } });
    const { runDemo } = await import('./demo.ts');
    await runDemo(values.manifest, values.bilateral);
    return;
  }
  throw new UsageError(group ? `unknown command: ${argv.join(' ')}` : 'no command given');
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err instanceof UsageError ? `${err.message}\n${USAGE}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
