// Registering a webhook endpoint: the URL checked for the environment it delivers from, the
// secret sealed at rest. Shared by the webhook routes and by an environment's webhook_url.

import type { Models } from '../db/client.ts';
import { sealSecret } from '../db/secretBox.ts';
import type { Tenant } from '../db/tenant.ts';
import { newSecret } from '../webhooks/secrets.ts';
import { checkUrl, UnsafeUrlError, type UrlPolicy } from '../webhooks/urlGuard.ts';
import { validationFailed } from './errors.ts';

export interface EndpointDeps {
  secretKey: Buffer;
  policyFor(environment: string): UrlPolicy;
}

/** The URL as it will be called, or a 422 at `loc` saying why the environment may not call it. */
export async function safeWebhookUrl(deps: EndpointDeps, url: string, environment: string, loc: string[] = ['body', 'url']): Promise<string> {
  try {
    return (await checkUrl(url, deps.policyFor(environment))).toString();
  } catch (err) {
    if (err instanceof UnsafeUrlError) throw validationFailed([{ loc, msg: err.message, type: 'value_error' }]);
    throw err;
  }
}

/** A new endpoint of `tenant` for an already checked URL; the secret (given, or made now) is returned once. */
export async function createEndpoint(
  db: Models,
  deps: EndpointDeps,
  tenant: Tenant & { createdBy: string },
  input: { url: string; description: string; events: string[]; secret?: string | undefined },
) {
  const secret = input.secret ?? newSecret();
  const endpoint = await db.webhookEndpoint.create({
    data: {
      platformId: tenant.platformId,
      environment: tenant.environment,
      url: input.url,
      description: input.description,
      events: [...new Set(input.events)],
      secretCiphertext: sealSecret(deps.secretKey, secret),
      createdBy: tenant.createdBy,
    },
  });
  return { endpoint, secret };
}
