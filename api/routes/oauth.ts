// OAuth2 client credentials, as KeyStone's Auth0 M2M flow: JSON or form body.

import express, { Router } from 'express';
import type { Db } from '../../db/client';
import { hashSecret, verifySecret } from '../auth/secrets';
import { isScope } from '../auth/scopes';
import { issueAccessToken, type TokenSettings } from '../auth/tokens';
import { ApiError } from '../errors';
import { tokenRequestSchema } from '../schemas';
import { parseOr422 } from '../validation';

// RFC 6749 §5.2: OAuth clients read `error` and `error_description` beside our usual fields.
const oauthError = (status: number, error: string, description: string) =>
  new ApiError(status, error, 'OAuth error', description, description, { error, error_description: description });
const invalidClient = () => oauthError(401, 'invalid_client', 'Unknown client_id or wrong client_secret');
// Verified against when the client is unknown, so both cases cost one scrypt and take equally long.
const DUMMY_HASH = hashSecret('not-a-client-secret');

export function oauthRoutes(deps: { db: Db; tokens: TokenSettings }): Router {
  const router = Router();
  router.post('/oauth/token', express.urlencoded({ extended: false }), async (req, res) => {
    const grantType = (req.body as { grant_type?: unknown } | undefined)?.grant_type;
    if (grantType !== undefined && grantType !== 'client_credentials') {
      throw oauthError(400, 'unsupported_grant_type', 'Only grant_type "client_credentials" is supported');
    }
    const body = parseOr422(tokenRequestSchema, req.body ?? {}, 'body');
    if (body.audience !== undefined && body.audience !== deps.tokens.audience) {
      throw oauthError(403, 'invalid_audience', `audience must be ${deps.tokens.audience}`);
    }
    const client = await deps.db.apiClient.findUnique({ where: { clientId: body.client_id } });
    const secretOk = await verifySecret(body.client_secret, client?.secretHash ?? (await DUMMY_HASH));
    if (!client || !client.active || !secretOk) throw invalidClient();
    const scopes = client.scopes.filter(isScope);
    const accessToken = await issueAccessToken(deps.tokens, {
      clientId: client.clientId,
      platformId: client.platformId,
      environment: client.environment,
      scopes,
    });
    res.set('Cache-Control', 'no-store').json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: deps.tokens.ttlSeconds,
      scope: scopes.join(' '),
    });
  });
  return router;
}
