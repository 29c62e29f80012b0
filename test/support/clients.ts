// A client for a test, in a platform environment created on first use (the product itself
// refuses a client for an environment nobody created).

import { createApiClient } from '../../db/clients.ts';
import type { Db } from '../../db/client.ts';
import { ensureEnvironment } from '../../db/platforms.ts';

export async function fixtureClient(db: Db, input: Parameters<typeof createApiClient>[1]) {
  await ensureEnvironment(db, input.platform, input.environment);
  return createApiClient(db, input);
}
