// OAuth2 client credentials, as KeyStone's Auth0 M2M flow (JSON or form body); IsSettled's
// token refresh; RFC 7009 revocation; the public keys that verify tokens.

import type { KnownClient } from '../activityLog.ts';
import type { Db } from '../../db/client.ts';
import { hashSecret, verifySecret } from '../../access/secrets.ts';
import { ipAllowed } from '../../access/restrictions.ts';
import { isScope } from '../../access/scopes.ts';
import { callerOf } from '../auth/middleware.ts';
import { REFRESH_WINDOW_MS, type TokenService } from '../auth/tokens.ts';
import { ApiError } from '../errors.ts';
import { tokenRequestSchema } from '../schemas.ts';
import { parseOr422 } from '../validation.ts';
import type { RouteHandlers } from '../routeTable.ts';

// RFC 6749 §5.2: OAuth clients read `error` and `error_description` beside our usual fields.
const oauthError = (status: number, error: string, description: string) =>
  new ApiError(status, error, 'OAuth error', description, description, { error, error_description: description });
const invalidClient = () => oauthError(401, 'invalid_client', 'Unknown client_id or wrong client_secret');
// Verified against when the client is unknown, so both cases cost one scrypt and take equally long.
const DUMMY_HASH = hashSecret('not-a-client-secret');

export function oauthRoutes(deps: { db: Db; tokens: TokenService }) {
  return {
    'POST /oauth/token': async (req, res) => {
      const grantType = (req.body as { grant_type?: unknown } | undefined)?.grant_type;
      if (grantType !== undefined && grantType !== 'client_credentials') {
        throw oauthError(400, 'unsupported_grant_type', 'Only grant_type "client_credentials" is supported');
      }
      const body = parseOr422(tokenRequestSchema, req.body ?? {}, 'body');
      const { audience, acceptedAudiences = [] } = deps.tokens.settings;
      if (body.audience !== undefined && body.audience !== audience && !acceptedAudiences.includes(body.audience)) {
        const expected = [audience, ...acceptedAudiences].join(' or ');
        throw oauthError(403, 'invalid_audience', `audience "${body.audience}" is not accepted here: ask for ${expected}`);
      }
      const client = await deps.db.apiClient.findUnique({ where: { clientId: body.client_id } });
      const secretOk = await verifySecret(body.client_secret, client?.secretHash ?? (await DUMMY_HASH));
      if (!client || !client.active || !secretOk) throw invalidClient();
      const environment = await deps.db.environment.findUnique({ where: { platformId_name: { platformId: client.platformId, name: client.environment } } });
      if (!environment?.active) throw oauthError(401, 'invalid_client', `This client's environment ${client.environment} is deactivated`);
      const from = req.socket.remoteAddress ?? '';
      if (client.allowedIpRanges.length && !ipAllowed(client.allowedIpRanges, from)) throw oauthError(403, 'access_denied', `This client may not call from ${from}`);
      const scopes = client.scopes.filter(isScope);
      res.locals.client = { clientId: client.clientId, platformId: client.platformId, environment: client.environment } satisfies KnownClient;
      const { token: accessToken } = await deps.tokens.issue({
        clientId: client.clientId,
        platformId: client.platformId,
        environment: client.environment,
        scopes,
      });
      res.set('Cache-Control', 'no-store').json({
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: deps.tokens.settings.ttlSeconds,
        // Under IsSettled's policy the token must be refreshed within this many seconds, and again after each refresh.
        ...(client.refreshPolicy === 'issettled' ? { refresh_within: REFRESH_WINDOW_MS / 1000 } : {}),
        scope: scopes.join(' '),
      });
    },
    'POST /oauth-token/refresh': async (req, res) => {
      const { jti } = callerOf(req);
      const refreshedAt = await deps.tokens.refresh(jti);
      res.set('Cache-Control', 'no-store').json({ refreshed_at: refreshedAt.toISOString(), refresh_by: new Date(refreshedAt.getTime() + REFRESH_WINDOW_MS).toISOString() });
    },
    // RFC 7009: a client revokes its own token (the one it authenticates with); 200 either way.
    'POST /oauth/revoke': async (req, res) => {
      await deps.tokens.revoke(callerOf(req).jti, 'revoked by its client');
      res.json({ revoked: true });
    },
    'GET /.well-known/jwks.json': async (_req, res) => {
      res.set('Cache-Control', 'public, max-age=60').json(await deps.tokens.jwks());
    },
  } satisfies RouteHandlers;
}
