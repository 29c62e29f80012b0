// `lockstep clients ...` and `lockstep keys rotate`: API clients and the keys their tokens are signed with.

import { loadConfig } from '../config/config.ts';
import { createApiClient, deactivateApiClient, rotateClientSecret, updateApiClient } from '../db/clients.ts';
import { secretKey } from '../db/secretBox.ts';
import { KEY_ROTATION_NOTE, rotateSigningKey } from '../db/signingKeys.ts';
import { cliEnv } from '../stack/manifest.ts';
import type { CommandRunners } from './commands.ts';
import { withDb } from './db.ts';
import { listOf, parse, print, UsageError } from './options.ts';

/** The one client id a command acts on. */
function clientIdOf(positionals: string[]): string {
  const [clientId] = positionals;
  if (!clientId) throw new UsageError('a client id is required');
  return clientId;
}

export const commands = {
  'clients create': async (args) => {
    const { values } = parse(args, {
      platform: { type: 'string' },
      environment: { type: 'string', default: 'sandbox' },
      name: { type: 'string', default: 'default' },
      scopes: { type: 'string', default: 'settlements:read,settlements:write,templates:read,platform:read' },
      'refresh-policy': { type: 'string' },
    });
    const { platform, 'refresh-policy': refreshPolicy } = values;
    if (!platform) throw new UsageError('--platform is required');
    if (refreshPolicy !== undefined && refreshPolicy !== 'issettled') throw new UsageError('--refresh-policy can only be issettled');
    const client = await withDb((db) => createApiClient(db, { platform, environment: values.environment, name: values.name, scopes: listOf(values.scopes), refreshPolicy }));
    print(client);
  },
  'clients deactivate': async (args) => {
    const clientId = clientIdOf(parse(args, {}, { positionals: true }).positionals);
    await withDb((db) => deactivateApiClient(db, clientId));
    print({ client_id: clientId, active: false }, false);
  },
  'clients rotate-secret': async (args) => {
    const { values, positionals } = parse(args, { 'revoke-tokens': { type: 'boolean', default: false } }, { positionals: true });
    const clientId = clientIdOf(positionals);
    const { secret, revokedTokens } = await withDb((db) => db.$transaction((tx) => rotateClientSecret(tx, clientId, { revokeTokens: values['revoke-tokens'] })));
    print({ client_id: clientId, client_secret: secret, revoked_tokens: revokedTokens });
  },
  'clients restrict': async (args) => {
    const { values, positionals } = parse(args, { 'ip-ranges': { type: 'string' }, endpoints: { type: 'string' }, wallets: { type: 'string' } }, { positionals: true });
    const clientId = clientIdOf(positionals);
    const list = (value: string | undefined) => (value === undefined ? undefined : listOf(value));
    const restrictions = await withDb((db) => updateApiClient(db, clientId, { ipRanges: list(values['ip-ranges']), endpoints: list(values.endpoints), wallets: list(values.wallets) }));
    print({ client_id: clientId, ...restrictions });
  },
  'keys rotate': async (args) => {
    parse(args, {});
    const key = secretKey(loadConfig(cliEnv(), ['SECRETS_KEY']).SECRETS_KEY);
    const kid = await withDb((db) => rotateSigningKey(db, key));
    print({ kid, note: KEY_ROTATION_NOTE }, false);
  },
} satisfies CommandRunners;
