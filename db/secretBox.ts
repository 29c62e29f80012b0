// Secrets Lockstep must use again, so cannot hash (webhook signing secrets, token signing
// keys), are kept encrypted at rest: AES-256-GCM under SECRETS_KEY.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** SECRETS_KEY: 32 bytes in base64. */
export function secretKey(encoded: string): Buffer {
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes in base64');
  return key;
}

export function sealSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64')).join('.');
}

export function openSecret(key: Buffer, stored: string): string {
  const [iv, tag, sealed] = stored.split('.').map((part) => Buffer.from(part, 'base64')) as [Buffer, Buffer, Buffer];
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
}
