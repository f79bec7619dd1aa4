import { randomBytes } from 'node:crypto';

const nonceBytes = 16;
const noncesPerRefill = 256;

/**
 * Returns a function handing out 128-bit random nonces in base64url (valid in a CSP nonce-source, and
 * nothing in them needs escaping in an HTML attribute). The CSPRNG is asked for 256 at a time, as node
 * does for randomUUID; every slice is handed out once.
 */
export function createCspNonceSource(): () => string {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset >= pool.length) {
      pool = randomBytes(nonceBytes * noncesPerRefill);
      offset = 0;
    }
    const nonce = pool.toString('base64url', offset, offset + nonceBytes);
    offset += nonceBytes;
    return nonce;
  };
}
