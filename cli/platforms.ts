// `lockstep platforms ...` and `lockstep environments ...`: the deployment's tenants.

import { createEnvironment, createPlatform, listPlatforms, setRateLimit } from '../db/platforms.ts';
import type { CommandRunners } from './commands.ts';
import { withDb } from './db.ts';
import { listOf, parse, print, UsageError, wholeNumber } from './options.ts';

/** The most requests a minute an environment may be given (the API counts them in an int column). */
const MAX_PER_MINUTE = 1_000_000;

export const commands = {
  'platforms create': async (args) => {
    const { values, positionals } = parse(args, { environments: { type: 'string', default: 'sandbox,production' } }, { positionals: true });
    const [name] = positionals;
    if (!name) throw new UsageError('a platform name is required');
    const platform = await withDb((db) => createPlatform(db, name, listOf(values.environments)));
    print({ platform_id: platform.id, platform: name, environments: platform.environments.map((e) => e.name) });
  },
  'platforms list': async (args) => {
    parse(args, {});
    const { items } = await withDb((db) => listPlatforms(db, { limit: 10_000, offset: 0 }));
    print(items.map((p) => ({ platform_id: p.id, platform: p.name, environments: p.environments.map((e) => ({ name: e.name, rate_limit_per_minute: e.rateLimitPerMinute ?? 'default' })) })));
  },
  'environments create': async (args) => {
    const { values } = parse(args, { platform: { type: 'string' }, environment: { type: 'string' } });
    const { platform, environment } = values;
    if (!platform || !environment) throw new UsageError('--platform and --environment are required');
    await withDb((db) => createEnvironment(db, platform, environment));
    print({ platform, environment }, false);
  },
  'environments rate-limit': async (args) => {
    const { values } = parse(args, { platform: { type: 'string' }, environment: { type: 'string' }, 'per-minute': { type: 'string' } });
    const { platform, environment, 'per-minute': perMinute } = values;
    if (!platform || !environment || !perMinute) throw new UsageError('--platform, --environment and --per-minute are required');
    const limit = perMinute === 'default' ? null : wholeNumber(perMinute, '--per-minute (or default)', { min: 1, max: MAX_PER_MINUTE });
    await withDb((db) => setRateLimit(db, platform, environment, limit));
    print({ platform, environment, rate_limit_per_minute: limit ?? 'default' }, false);
  },
} satisfies CommandRunners;
