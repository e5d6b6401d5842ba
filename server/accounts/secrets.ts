/**
 * Client secrets of identity providers, encrypted at rest with AES-256-GCM under a key
 * derived (HKDF-SHA-256) from `OIDC_SECRET_KEY`. Stored as `v1.<iv>.<tag>.<ciphertext>`
 * (base64url). A database copy alone does not give the secrets away.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyFrom = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'send-live-training', 'oidc client secret v1', 32));

export function encryptSecret(plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** Throws when the value was not encrypted under this key (or was changed). */
export function decryptSecret(stored: string, secret: string): string {
  const [v, iv, tag, ct] = stored.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not an encrypted secret');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
