import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { X509Certificate, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { Logger } from '../kernel/create-logger.ts';
import { canonicalIp, classifyHostname, missingSubjectAltNames, requiredSubjectAltNames, type SubjectAltNames } from './certificate-hostnames.ts';
import { keyMatchesCertificate } from './certificate-key-match.ts';
import { loadConfiguredCertificate, type CertificateFiles } from './configured-certificate.ts';

/** The certificate and key the HTTPS server uses, where they live, and whether this call made them. */
export interface ServerCertificate extends CertificateFiles {
  created: boolean;
}

export interface EnsureServerCertificateOptions {
  dataDir: string;
  /** server.host: goes in the subjectAltName unless it is 0.0.0.0 or ::. */
  host: string;
  /** server.certHostnames. */
  extraHostnames: readonly string[];
  log: Logger;
  /** server.certFile and server.keyFile: when set, that pair is loaded and nothing is generated. */
  certFile?: string | null;
  keyFile?: string | null;
}

// 2048 bits, not 3072: on this machine kind node:crypto takes a median ~0.15 s for 2048 but ~0.55 s
// (tail 1.5-2 s) for 3072, paid on first start and every renewal; 2048 is acceptable to NIST until
// 2030 and the certificate lives one year.
const rsaModulusBits = 2048;
const validityDays = 365;
const renewBeforeMs = 30 * 24 * 60 * 60 * 1000;
// Clients whose clock runs a little behind must not see a certificate from the future.
const backdateMs = 60 * 60 * 1000;
const generateRsaKeyPair = promisify(generateKeyPair);

/** Why the stored certificate cannot be reused, or null when it can. */
function reasonToRegenerate(certPem: string, keyPem: string, required: SubjectAltNames): string | null {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPem);
    if (!keyMatchesCertificate(certPem, keyPem)) return 'the key does not belong to the certificate';
  } catch {
    return 'the stored certificate or key does not parse';
  }
  if (cert.validity.notAfter.getTime() - Date.now() < renewBeforeMs) return `it expires ${cert.validity.notAfter.toISOString()}`;
  if (cert.validity.notBefore.getTime() > Date.now()) return 'it is not valid yet (was the clock changed?)';
  const extension = cert.getExtension('subjectAltName') as { altNames?: Array<{ type: number; value: string; ip?: string }> } | undefined;
  const present: SubjectAltNames = { dns: [], ips: [] };
  for (const name of extension?.altNames ?? []) {
    if (name.type === 2) present.dns.push(name.value);
    else if (name.type === 7 && name.ip) present.ips.push(canonicalIp(name.ip));
  }
  const missing = missingSubjectAltNames(required, present);
  return missing.length ? `it does not cover ${missing.join(', ')}` : null;
}

/** A positive 128-bit serial number: random, as CA/B rules ask, with the top bit clear so DER keeps it positive. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex');
}

/** Makes an RSA key (node:crypto: ~100x faster than forge's) and a self-signed X.509 certificate for it (forge). */
async function generateSelfSigned(names: SubjectAltNames, commonName: string): Promise<{ cert: string; key: string }> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: rsaModulusBits }) as { privateKey: KeyObject };
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = randomSerialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - backdateMs);
  cert.validity.notAfter = new Date(now + validityDays * 24 * 60 * 60 * 1000);
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Kirjuri (self-signed)' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2, value })), ...names.ips.map((ip) => ({ type: 7, ip }))] },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** Writes a file under a temporary name, flushes it and renames it into place, so no reader sees half a file. */
async function writeFileAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function unusableDirectory(dir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new Error(`The certificate directory ${dir} cannot be used (${code}): make the data directory writable by the user Kirjuri runs as, set KIRJURI_DATA_DIR to another directory, or configure server.certFile and server.keyFile.`, { cause: error });
}

/**
 * Returns the HTTPS certificate and key: the configured pair when server.certFile/keyFile are set,
 * otherwise the self-signed pair in <dataDir>/certs, made on first start and made again when it
 * expires within 30 days, no longer matches its key, or does not cover the configured host names.
 */
export async function ensureServerCertificate(options: EnsureServerCertificateOptions): Promise<ServerCertificate> {
  const { log } = options;
  if (options.certFile && options.keyFile) {
    return { ...(await loadConfiguredCertificate({ certFile: options.certFile, keyFile: options.keyFile, log })), created: false };
  }
  const required = requiredSubjectAltNames(options.host, options.extraHostnames);
  const dir = join(options.dataDir, 'certs');
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');

  let stored: { cert: string | null; key: string | null };
  try {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    stored = { cert: await readIfPresent(certFile), key: await readIfPresent(keyFile) };
  } catch (error) {
    throw unusableDirectory(dir, error);
  }

  let reason = 'none was made yet';
  if (stored.cert !== null && stored.key !== null) {
    const problem = reasonToRegenerate(stored.cert, stored.key, required);
    if (problem === null) {
      await tightenKeyMode(keyFile, log);
      return { cert: stored.cert, key: stored.key, certFile, keyFile, created: false };
    }
    reason = problem;
  }

  const started = performance.now();
  const hostEntry = classifyHostname(options.host);
  // Clients match names against the subjectAltName only; the CN is for people reading the certificate (and at most 64 characters).
  const commonName = hostEntry?.kind === 'dns' && hostEntry.value.length <= 64 ? hostEntry.value : 'localhost';
  const made = await generateSelfSigned(required, commonName);
  try {
    // Key first: a crash between the two renames leaves a pair that does not match, which the next start detects and replaces.
    await writeFileAtomically(keyFile, made.key, 0o600);
    await writeFileAtomically(certFile, made.cert, 0o644);
  } catch (error) {
    throw unusableDirectory(dir, error);
  }
  const x509 = new X509Certificate(made.cert);
  log.info({
    certFile, names: [...required.dns, ...required.ips], validTo: x509.validTo, sha256Fingerprint: x509.fingerprint256,
    ms: Math.round(performance.now() - started), reason,
  }, 'made a self-signed TLS certificate: browsers will warn until it is trusted or replaced by server.certFile/keyFile');
  return { ...made, certFile, keyFile, created: true };
}

/** A key file others can read is put back to 0600: it may have been copied or restored with loose permissions. */
async function tightenKeyMode(keyFile: string, log: Logger): Promise<void> {
  const { mode } = await stat(keyFile);
  if ((mode & 0o077) === 0) return;
  await chmod(keyFile, 0o600);
  log.warn({ keyFile, mode: (mode & 0o777).toString(8) }, 'the TLS key file was readable by others; its mode is now 0600');
}
