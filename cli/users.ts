// `lockstep users create`: a Web Office user, such as an environment's first Administrator.

import { isRole, ROLES } from '../access/scopes.ts';
import { createOfficeUser } from '../db/officeUsers.ts';
import type { CommandRunners } from './commands.ts';
import { withDb } from './db.ts';
import { parse, print, UsageError } from './options.ts';

export const commands = {
  'users create': async (args) => {
    const { values } = parse(args, {
      platform: { type: 'string' },
      environment: { type: 'string', default: 'sandbox' },
      email: { type: 'string' },
      name: { type: 'string', default: 'Administrator' },
      role: { type: 'string', default: 'administrator' },
    });
    const { platform, email, role } = values;
    if (!platform || !email) throw new UsageError('--platform and --email are required');
    if (!isRole(role)) throw new UsageError(`--role is one of ${ROLES.join(', ')}`);
    const { user, password } = await withDb((db) => createOfficeUser(db, { platform, environment: values.environment, email, name: values.name, role }));
    print({ id: user.id, email: user.email, role: user.role, platform, environment: user.environment, password });
  },
} satisfies CommandRunners;
