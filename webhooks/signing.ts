// The headers that let a receiver trust a delivery. KeyStone's X-Keystone-Signature signs
// only the body, so a captured delivery can be replayed; the Standard Webhooks headers sign
// the message id and timestamp too, so a receiver can refuse an old or repeated one.
// During a rotation's overlap both secrets sign: Standard Webhooks lists several
// signatures in one header; KeyStone's receivers compare X-Keystone-Signature whole, so it
// carries the current secret's digest only, and X-Keystone-Signature-Previous the old one's.

import { createHmac } from 'node:crypto';

/** Standard Webhooks keys the HMAC with the secret's bytes: the base64 after "whsec_". */
const standardKey = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

/** `secrets`: the current secret first, then the previous one while a rotation's overlap lasts. */
export function signatureHeaders(message: { id: string; timestamp: number; body: string }, secrets: string[]): Record<string, string> {
  // KeyStone's: the hex HMAC-SHA256 of the raw body, keyed with the secret as given.
  const [current, previous] = secrets.map((s) => createHmac('sha256', s).update(message.body).digest('hex'));
  return {
    'content-type': 'application/json',
    'x-keystone-signature': current!,
    ...(previous ? { 'x-keystone-signature-previous': previous } : {}),
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': secrets
      .map((s) => `v1,${createHmac('sha256', standardKey(s)).update(`${message.id}.${message.timestamp}.${message.body}`).digest('base64')}`)
      .join(' '),
  };
}
