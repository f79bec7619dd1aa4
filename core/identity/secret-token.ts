import { hash, randomBytes } from 'node:crypto';

/** A new secret (session id, API token, invite or reset token): 256 random bits in base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 hex digest a secret is stored and looked up by; the secret itself is never stored. */
export function hashSecret(secret: string): string {
  // crypto.hash (one-shot) is several times faster than createHash for short inputs, and this runs on every request.
  return hash('sha256', secret, 'hex');
}
