import { readFile } from 'node:fs/promises';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Logger } from '../kernel/create-logger.ts';
import { keyMatchesCertificate } from './certificate-key-match.ts';

/** A certificate and key as PEM text, and the files they came from. */
export interface CertificateFiles {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

const renewalWarningMs = 30 * 24 * 60 * 60 * 1000;

async function readPem(file: string, what: string, setting: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`The TLS ${what} file ${file} (${setting}) could not be read (${code}): check the path and that the user Kirjuri runs as may read it.`, { cause: error });
  }
}

/**
 * Loads the certificate (chain) and key named by server.certFile and server.keyFile, and checks that
 * they parse and belong together. An expired or soon-expiring certificate is only warned about:
 * the operator renews it, Kirjuri never replaces a certificate it did not make.
 */
export async function loadConfiguredCertificate(options: { certFile: string; keyFile: string; log: Logger }): Promise<CertificateFiles> {
  const { certFile, keyFile, log } = options;
  const [cert, key] = await Promise.all([readPem(certFile, 'certificate', 'server.certFile'), readPem(keyFile, 'key', 'server.keyFile')]);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`The TLS certificate file ${certFile} (server.certFile) does not hold a PEM certificate: point server.certFile at the certificate (chain) in PEM form.`, { cause: error });
  }
  try {
    createPrivateKey(key);
  } catch (error) {
    throw new Error(`The TLS key file ${keyFile} (server.keyFile) does not hold an unencrypted PEM private key: point server.keyFile at the key, without a passphrase.`, { cause: error });
  }
  if (!keyMatchesCertificate(cert, key)) {
    throw new Error(`The TLS certificate ${certFile} and key ${keyFile} do not belong together: set server.certFile and server.keyFile to a matching pair.`);
  }
  const expires = Date.parse(x509.validTo);
  if (expires < Date.now()) log.warn({ certFile, validTo: x509.validTo }, 'the configured TLS certificate has expired: browsers will refuse it until it is renewed');
  else if (expires - Date.now() < renewalWarningMs) log.warn({ certFile, validTo: x509.validTo }, 'the configured TLS certificate expires within 30 days: renew it');
  return { cert, key, certFile, keyFile };
}
