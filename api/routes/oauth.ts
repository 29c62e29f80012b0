// OAuth2 client credentials, as KeyStone's Auth0 M2M flow: JSON or form body.

import express, { Router } from 'express';
import type { Db } from '../../db/client';
import { verifySecret } from '../auth/secrets';
import { isScope } from '../auth/scopes';
import { issueAccessToken, type TokenSettings } from '../auth/tokens';
import { ApiError } from '../errors';
import { tokenRequestSchema } from '../schemas';
import { parseOr422 } from '../validation';

const invalidClient = () => new ApiError(401, 'invalid_client', 'Invalid client', 'Unknown client_id or wrong client_secret');

export function oauthRoutes(deps: { db: Db; tokens: TokenSettings }): Router {
  const router = Router();
  router.post('/oauth/token', express.urlencoded({ extended: false }), async (req, res) => {
    const body = parseOr422(tokenRequestSchema, req.body ?? {}, 'body');
    if (body.audience !== undefined && body.audience !== deps.tokens.audience) {
      throw new ApiError(403, 'invalid_audience', 'Invalid audience', `audience must be ${deps.tokens.audience}`);
    }
    const client = await deps.db.apiClient.findUnique({ where: { clientId: body.client_id } });
    if (!client || !client.active || !(await verifySecret(body.client_secret, client.secretHash))) throw invalidClient();
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
