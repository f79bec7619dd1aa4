import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The key that signs audit checkpoints, and its public half for checking them. */
export interface AuditSigningKey {
  sign(data: string): string;
  verify(data: string, signature: string): boolean;
}

/**
 * Reads the Ed25519 key at `file`, or makes it (mode 0600, its folder 0700) on first use. It is kept
 * outside the database and the data directory, like the master key: whoever can edit the database
 * cannot sign a checkpoint that hides their edit.
 */
export function loadAuditSigningKey(file: string): AuditSigningKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`The audit signing key ${file} cannot be read: ${(error as Error).message}`, { cause: error });
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      // Another process made it first: use theirs.
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      pem = readFileSync(file, 'utf8');
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`The audit signing key ${file} is not a PEM private key: restore it from the backup of the keys folder.`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`The audit signing key ${file} is a ${privateKey.asymmetricKeyType} key; it must be Ed25519.`);
  const publicKey = createPublicKey(privateKey);
  return {
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString('base64'),
    verify: (data, signature) => {
      try {
        return verify(null, Buffer.from(data), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}
