import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/*
 * Wrapping one 256-bit key under another (tenant keys under the master key, data keys under a tenant
 * key): AES-256-GCM with a random 96-bit nonce, and the key's context (purpose, owner, versions) as
 * associated data, so that a wrapped key copied to another row, tenant, blob or version does not unwrap.
 * Stored as base64 of: format byte (1), nonce (12), wrapped key (32), tag (16).
 */

const wrapFormat = 1;
const nonceLength = 12;
const tagLength = 16;
const keyLength = 32;
const wrappedLength = 1 + nonceLength + keyLength + tagLength;

/** What a wrapped key is bound to: its purpose first, then the ids and versions of where it belongs. */
export type KeyContext = readonly [purpose: string, ...parts: Array<string | number>];

/** A new random AES-256 key. */
export function newSecretKey(): KeyObject {
  const bytes = randomBytes(keyLength);
  try {
    return createSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** An AES-256 key from its 32 bytes (the buffer is zeroed afterwards: the KeyObject holds its own copy). */
export function secretKeyOf(bytes: Buffer): KeyObject {
  if (bytes.length !== keyLength) throw new Error(`An AES-256 key is ${keyLength} bytes, not ${bytes.length}.`);
  try {
    return createSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** Wraps `key` under `wrappingKey`, bound to `context`; the result is text for a database column. */
export function wrapKey(wrappingKey: KeyObject, key: KeyObject, context: KeyContext): string {
  const nonce = randomBytes(nonceLength);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey, nonce, { authTagLength: tagLength });
  cipher.setAAD(contextBytes(context));
  const material = key.export();
  try {
    return Buffer.concat([Buffer.of(wrapFormat), nonce, cipher.update(material), cipher.final(), cipher.getAuthTag()]).toString('base64');
  } finally {
    material.fill(0);
  }
}

/** The key `wrapped` holds, or null when it does not unwrap: another wrapping key, another context, or a changed value. */
export function unwrapKey(wrappingKey: KeyObject, wrapped: string, context: KeyContext): KeyObject | null {
  const bytes = Buffer.from(wrapped, 'base64');
  if (bytes.length !== wrappedLength || bytes[0] !== wrapFormat) return null;
  const decipher = createDecipheriv('aes-256-gcm', wrappingKey, bytes.subarray(1, 1 + nonceLength), { authTagLength: tagLength });
  decipher.setAAD(contextBytes(context));
  decipher.setAuthTag(bytes.subarray(wrappedLength - tagLength));
  const material = decipher.update(bytes.subarray(1 + nonceLength, wrappedLength - tagLength));
  try {
    decipher.final();
    return createSecretKey(material);
  } catch {
    return null;
  } finally {
    material.fill(0);
  }
}

/** JSON of the context: unambiguous however the ids are spelled (no separator can be forged). */
function contextBytes(context: KeyContext): Buffer {
  return Buffer.from(JSON.stringify(context), 'utf8');
}
