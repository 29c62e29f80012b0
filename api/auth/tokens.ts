// Access tokens: ES256 JWTs bound to one client, platform environment and set of scopes,
// signed with rotating keys published at /.well-known/jwks.json. Every token is registered
// by its jti, so it can be revoked, refreshed under IsSettled's policy, and refused as soon
// as its client is deactivated: a signature alone never admits a request.

import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { openSecret } from '../../db/secretBox.ts';
import { rotateSigningKey, SIGNING_ALGORITHM } from '../../db/signingKeys.ts';
import { isScope, type Scope } from '../../access/scopes.ts';
import { LockstepError } from '../../domain/errors.ts';

export interface AuthContext {
  clientId: string;
  platformId: string;
  environment: string;
  scopes: Scope[];
  jti: string;
  /** The client's restrictions (empty: none). */
  ipRanges: string[];
  endpoints: string[];
  wallets: string[];
  /** A session token limited to these settlements; null when not limited. */
  settlementIds: string[] | null;
  /** Set for a session token: its metadata, for the activity log. */
  session: { metadata: unknown } | null;
  /** The Keystone-Version its environment is pinned to (null: made before versions). */
  apiVersion: string | null;
}

/** What a session token is: a narrower, shorter-lived token derived from an m2m one. */
export interface SessionGrant {
  parentJti: string;
  settlementIds: string[];
  metadata: unknown;
}

export interface TokenSettings {
  audience: string;
  /** Audiences a client may also ask for at /oauth/token (e.g. KeyStone's, to ease a move); every token carries `audience`. */
  acceptedAudiences?: string[];
  issuer: string;
  ttlSeconds: number;
  /** SECRETS_KEY, which seals the private keys at rest. */
  secretsKey: Buffer;
}

export class InvalidTokenError extends LockstepError {
  override readonly name = 'InvalidTokenError';
}

/** IsSettled's refresh policy: refresh within this long of issue or the last refresh, or lose the token. */
export const REFRESH_WINDOW_MS = 15 * 60_000;
/** How long a process trusts its copy of the key table; a new kid is looked up at once. */
const KEY_CACHE_MS = 30_000;
/**
 * How long a verified token is taken on trust. A revocation, a deactivated client or
 * environment is seen by every API process at once through AUTH_CHANNEL, and within this long
 * when that notification is lost: the registry is read once a second per token, not per request.
 */
const VERIFIED_CACHE_MS = 1000;
const VERIFIED_CACHE_ENTRIES = 10_000;
/** Notified by the auth_changes migration's triggers on every change to a token, client or environment. */
export const AUTH_CHANNEL = 'lockstep_auth';

interface LoadedKey {
  kid: string;
  publicKey: Awaited<ReturnType<typeof importJWK>>;
  publicJwk: JWK;
  createdAt: Date;
  retiredAt: Date | null;
  privateKeySealed: string;
  /** Unsealed and imported on first use, not on every token issued. */
  privateKey?: ReturnType<typeof importJWK>;
}

export class TokenService {
  private keys = new Map<string, LoadedKey>();
  private loadedAt = 0;
  private verified = new Map<string, { auth: AuthContext; until: number }>();
  /** Counts forget()s: a check that began before one may have read what it forgot, and is not kept. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    readonly settings: TokenSettings,
  ) {}

  /** A first key for a deployment that has none. */
  async ensureSigningKey(): Promise<void> {
    if (!(await this.db.signingKey.count({ where: { retiredAt: null } }))) await rotateSigningKey(this.db, this.settings.secretsKey);
  }

  private async loadKeys(): Promise<void> {
    const rows = await this.db.signingKey.findMany({ orderBy: { createdAt: 'desc' } });
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const publicJwk = row.publicJwk as JWK;
      keys.set(row.kid, { ...row, publicJwk, publicKey: await importJWK(publicJwk, SIGNING_ALGORITHM) });
    }
    this.keys = keys;
    this.loadedAt = Date.now();
  }

  private async key(kid?: string): Promise<LoadedKey | undefined> {
    if (Date.now() - this.loadedAt > KEY_CACHE_MS || (kid && !this.keys.has(kid))) await this.loadKeys();
    return kid ? this.keys.get(kid) : [...this.keys.values()].find((k) => !k.retiredAt);
  }

  /** Keys whose tokens may still be alive: the signer and those retired less than a token lifetime ago. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.key();
    const oldest = Date.now() - this.settings.ttlSeconds * 1000;
    return { keys: [...this.keys.values()].filter((k) => !k.retiredAt || k.retiredAt.getTime() > oldest).map((k) => k.publicJwk) };
  }

  /** An m2m token, or with `session` a session token (`ttlSeconds` then caps its life). */
  async issue(
    client: { clientId: string; platformId: string; environment: string; scopes: Scope[] },
    session?: SessionGrant & { expiresAt: Date },
  ): Promise<{ token: string; jti: string; expiresAt: Date }> {
    const signer = await this.key();
    if (!signer) throw new Error('no signing key: the API creates one at start');
    const jti = randomUUID();
    const issuedAt = new Date();
    const expiresAt = session?.expiresAt ?? new Date(issuedAt.getTime() + this.settings.ttlSeconds * 1000);
    await this.db.accessToken.create({
      data: {
        jti,
        clientId: client.clientId,
        issuedAt,
        expiresAt,
        lastRefreshedAt: issuedAt,
        ...(session
          ? { kind: 'session', parentJti: session.parentJti, settlementIds: session.settlementIds, metadata: session.metadata as Prisma.InputJsonValue }
          : {}),
      },
    });
    signer.privateKey ??= importJWK(JSON.parse(openSecret(this.settings.secretsKey, signer.privateKeySealed)) as JWK, SIGNING_ALGORITHM);
    const privateKey = await signer.privateKey;
    const token = await new SignJWT({ platform_id: client.platformId, environment: client.environment, scope: client.scopes.join(' ') })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: 'JWT', kid: signer.kid })
      .setJti(jti)
      .setSubject(client.clientId)
      .setAudience(this.settings.audience)
      .setIssuer(this.settings.issuer)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(privateKey);
    return { token, jti, expiresAt };
  }

  /** Every token is checked against the registry again from its next request (a token, client or environment changed). */
  forget(): void {
    this.verified.clear();
    this.generation++;
  }

  async verify(token: string): Promise<AuthContext> {
    const known = this.verified.get(token);
    if (known && known.until > Date.now()) return known.auth;
    const generation = this.generation;
    const { auth, expiresAt } = await this.check(token);
    if (generation !== this.generation) return auth;
    if (this.verified.size >= VERIFIED_CACHE_ENTRIES) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { auth, until: Math.min(Date.now() + VERIFIED_CACHE_MS, expiresAt) });
    return auth;
  }

  private async check(token: string): Promise<{ auth: AuthContext; expiresAt: number }> {
    let payload;
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = kid ? await this.key(kid) : undefined;
      if (!key) throw new InvalidTokenError('the access token is not valid');
      ({ payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [SIGNING_ALGORITHM],
        audience: this.settings.audience,
        issuer: this.settings.issuer,
        requiredClaims: ['jti', 'sub', 'exp', 'iat', 'platform_id', 'environment', 'scope'],
      }));
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('the access token has expired');
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError || err instanceof SyntaxError) throw new InvalidTokenError('the access token is not valid');
      throw err;
    }
    const jti = String(payload.jti);
    // Every request waits for these: read together.
    const [registered, client, environment] = await Promise.all([
      this.db.accessToken.findUnique({ where: { jti } }),
      this.db.apiClient.findUnique({ where: { clientId: String(payload.sub) } }),
      this.db.environment.findUnique({ where: { platformId_name: { platformId: String(payload.platform_id), name: String(payload.environment) } }, select: { active: true, apiVersion: true } }),
    ]);
    if (!registered || registered.clientId !== payload.sub) throw new InvalidTokenError('the access token is not valid');
    if (registered.revokedAt) throw new InvalidTokenError(`the access token was revoked: ${registered.revokedReason ?? 'revoked'}`);
    if (!client?.active) throw new InvalidTokenError('the client of this access token is deactivated');
    if (!environment?.active) throw new InvalidTokenError('the environment of this access token is deactivated');
    if (registered.parentJti) {
      const parent = await this.db.accessToken.findUnique({ where: { jti: registered.parentJti } });
      if (!parent || parent.revokedAt) throw new InvalidTokenError('the access token was revoked: the token that created this session was revoked');
    }
    const isSession = registered.kind === 'session';
    // Sessions are short-lived by construction; the refresh policy is for the client's own tokens.
    if (!isSession && client.refreshPolicy === 'issettled' && Date.now() - registered.lastRefreshedAt.getTime() > REFRESH_WINDOW_MS) {
      await this.revoke(jti, 'not refreshed within 15 minutes');
      throw new InvalidTokenError('the access token was revoked: not refreshed within 15 minutes');
    }
    const auth: AuthContext = {
      clientId: registered.clientId,
      platformId: String(payload.platform_id),
      environment: String(payload.environment),
      scopes: String(payload.scope).split(' ').filter(isScope),
      jti,
      ipRanges: client.allowedIpRanges,
      endpoints: client.permittedEndpoints,
      wallets: client.allowedWallets,
      settlementIds: isSession && registered.settlementIds.length ? registered.settlementIds : null,
      session: isSession ? { metadata: registered.metadata } : null,
      apiVersion: environment.apiVersion,
    };
    return { auth, expiresAt: Number(payload.exp) * 1000 };
  }

  /** Extends a live token's refresh window; the token itself is unchanged. */
  async refresh(jti: string): Promise<Date> {
    const now = new Date();
    await this.db.accessToken.update({ where: { jti }, data: { lastRefreshedAt: now } });
    return now;
  }

  async revoke(jti: string, reason: string): Promise<void> {
    await this.db.accessToken.updateMany({ where: { jti, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
    // This process need not wait for the notification of its own change.
    this.forget();
  }
}
