// Access tokens are HS256 JWTs bound to one platform environment and a set of scopes.

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { isScope, type Scope } from './scopes';

export interface AuthContext {
  clientId: string;
  platformId: string;
  environment: string;
  scopes: Scope[];
}

export interface TokenSettings {
  secret: string;
  audience: string;
  issuer: string;
  ttlSeconds: number;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueAccessToken(settings: TokenSettings, auth: AuthContext): Promise<string> {
  return new SignJWT({ platform_id: auth.platformId, environment: auth.environment, scope: auth.scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(auth.clientId)
    .setAudience(settings.audience)
    .setIssuer(settings.issuer)
    .setIssuedAt()
    .setExpirationTime(`${settings.ttlSeconds}s`)
    .sign(key(settings.secret));
}

export async function verifyAccessToken(settings: TokenSettings, token: string): Promise<AuthContext> {
  try {
    const { payload } = await jwtVerify(token, key(settings.secret), {
      algorithms: ['HS256'],
      audience: settings.audience,
      issuer: settings.issuer,
      requiredClaims: ['sub', 'exp', 'platform_id', 'environment', 'scope'],
    });
    return {
      clientId: String(payload.sub),
      platformId: String(payload.platform_id),
      environment: String(payload.environment),
      scopes: String(payload.scope).split(' ').filter(isScope),
    };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('the access token has expired');
    if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError('the access token is not valid');
    throw err;
  }
}
