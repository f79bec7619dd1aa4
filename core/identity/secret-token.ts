import { createHash, randomBytes } from 'node:crypto';

/** A new secret (session id, API token, invite or reset token): 256 random bits in base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 hex digest a secret is stored and looked up by; the secret itself is never stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
