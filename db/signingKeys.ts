// The keys that sign access tokens (ES256), kept in the database so every API process signs
// and verifies with the same ones; the private key sealed under SECRETS_KEY.

import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { Db } from './client.ts';
import { sealSecret } from './secretBox.ts';

export const SIGNING_ALGORITHM = 'ES256';

export const KEY_ROTATION_NOTE = 'API processes sign with it within 30 s; tokens of the previous key verify until they expire';

/** Creates a signing key and retires the others; they keep verifying until their tokens expire. */
export async function rotateSigningKey(db: Db, secretsKey: Buffer): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  await db.$transaction([
    db.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: new Date() } }),
    db.signingKey.create({ data: { kid, algorithm: SIGNING_ALGORITHM, publicJwk, privateKeySealed: sealSecret(secretsKey, JSON.stringify(await exportJWK(privateKey))) } }),
  ]);
  return kid;
}
