import { createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * Whether a PEM private key belongs to a PEM certificate (the first one of a chain). Compares the
 * public keys rather than using X509Certificate.checkPrivateKey, which not every runtime Kirjuri
 * supports implements; works for RSA, EC and Ed25519 keys alike. Throws if either does not parse.
 */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  const fromCert = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return fromCert.equals(fromKey);
}
