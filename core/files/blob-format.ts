/*
 * Kirjuri's encrypted blob format, version 1 (DESIGN.md Data; SECURITY.md Data at rest): a header, then
 * AES-256-GCM chunks of 64 KiB plaintext in the STREAM construction (Hoang, Reyhanitabar, Rogaway,
 * Vizár 2015). Every chunk's nonce is the blob's random 7-byte prefix, the chunk's 32-bit big-endian
 * index and a last-chunk flag byte, and every chunk authenticates the whole header as associated data.
 * So a changed byte anywhere, chunks reordered, repeated or cut off, data after the last chunk, or a
 * header from another blob all fail a tag, and no two chunks of any blob share a nonce under one key.
 *
 *   offset  size  field
 *   0       8     magic "KIRJBLOB"
 *   8       1     format version (1)
 *   9       2     header length in bytes, big-endian (this whole table)
 *   11      4     chunk size in plaintext bytes, big-endian (65536)
 *   15      4     tenant key version the data key was first wrapped under, big-endian (informative:
 *                 a tenant key rotation re-wraps the data key but never rewrites the ciphertext)
 *   19      7     random nonce prefix
 *   26      1+n   tenant id: length byte, UTF-8
 *   27+n    1+m   blob id: length byte, UTF-8
 *
 * Each chunk is its ciphertext (as long as its plaintext) followed by its 16-byte tag. Every chunk but
 * the last holds exactly 64 KiB; the last holds 0 to 64 KiB (0 only when the whole plaintext is empty:
 * an empty blob is one empty last chunk, the tag alone).
 */
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { BlobIntegrityError } from './blob-integrity-error.ts';

/** The format this Kirjuri writes (and the only one it reads so far). */
export const blobFormatVersion = 1;
/** Plaintext bytes per chunk. */
export const blobChunkSize = 64 * 1024;
/** GCM tag bytes after each chunk's ciphertext. */
export const blobTagLength = 16;
/** A full chunk as stored: ciphertext and tag. */
export const sealedChunkSize = blobChunkSize + blobTagLength;
/** About how many bytes the encryptor gathers before it pushes (see CoalescedOutput); the decryptor pushes each chunk's plaintext as it is. */
export const outputPieceSize = 256 * 1024;
/** Chunk indexes are 32-bit: at most 2^32 chunks (256 TiB) per blob. */
export const maxBlobChunks = 2 ** 32;

const magic = Buffer.from('KIRJBLOB', 'latin1');
const noncePrefixLength = 7;
const fixedHeaderLength = 26;
const maxIdBytes = 255;

/** A blob's header, parsed, with its exact bytes (the associated data of every chunk). */
export interface BlobHeader {
  formatVersion: number;
  tenantId: string;
  blobId: string;
  tenantKeyVersion: number;
  noncePrefix: Buffer;
  bytes: Buffer;
}

/** The data key of one blob: an AES-256 secret key (node:crypto KeyObject, so that it is never logged as bytes). */
export type DataKey = KeyObject;

/** The header's length for these ids: what a reader fetches before the first chunk. */
export function blobHeaderLength(tenantId: string, blobId: string): number {
  return fixedHeaderLength + 1 + idBytes(tenantId).length + 1 + idBytes(blobId).length;
}

/** The header of a new blob (the nonce prefix comes from the caller: random, see the encryptor). */
export function encodeBlobHeader(fields: { tenantId: string; blobId: string; tenantKeyVersion: number; noncePrefix: Buffer }): BlobHeader {
  const tenant = idBytes(fields.tenantId);
  const blob = idBytes(fields.blobId);
  if (fields.noncePrefix.length !== noncePrefixLength) throw new Error(`A blob nonce prefix is ${noncePrefixLength} bytes, not ${fields.noncePrefix.length}.`);
  if (!Number.isInteger(fields.tenantKeyVersion) || fields.tenantKeyVersion < 1 || fields.tenantKeyVersion > 0xffffffff) throw new Error(`Tenant key version ${fields.tenantKeyVersion} is not a whole number from 1 to 2^32-1.`);
  const bytes = Buffer.alloc(fixedHeaderLength + 2 + tenant.length + blob.length);
  magic.copy(bytes, 0);
  bytes.writeUInt8(blobFormatVersion, 8);
  bytes.writeUInt16BE(bytes.length, 9);
  bytes.writeUInt32BE(blobChunkSize, 11);
  bytes.writeUInt32BE(fields.tenantKeyVersion, 15);
  fields.noncePrefix.copy(bytes, 19);
  bytes.writeUInt8(tenant.length, 26);
  tenant.copy(bytes, 27);
  bytes.writeUInt8(blob.length, 27 + tenant.length);
  blob.copy(bytes, 28 + tenant.length);
  return { formatVersion: blobFormatVersion, tenantId: fields.tenantId, blobId: fields.blobId, tenantKeyVersion: fields.tenantKeyVersion, noncePrefix: Buffer.from(fields.noncePrefix), bytes };
}

/**
 * Parses the header bytes of the blob the caller expects (`expected` names it): anything that is not
 * a version-1 header of exactly that tenant's blob is a BlobIntegrityError. The fields that are not
 * checked here (tenant key version, nonce prefix) are covered by every chunk's tag.
 */
export function decodeBlobHeader(bytes: Buffer, expected: { tenantId: string; blobId: string }): BlobHeader {
  const fail = (reason: string): never => { throw new BlobIntegrityError(expected.blobId, reason); };
  if (bytes.length < fixedHeaderLength + 2 || !bytes.subarray(0, magic.length).equals(magic)) fail('it does not start with a Kirjuri blob header');
  const formatVersion = bytes.readUInt8(8);
  if (formatVersion !== blobFormatVersion) fail(`its header says format version ${formatVersion}, which this Kirjuri cannot read`);
  if (bytes.readUInt16BE(9) !== bytes.length) fail('its header length does not match this blob\'s (a changed header, or one from another blob)');
  if (bytes.readUInt32BE(11) !== blobChunkSize) fail(`its header says chunks of ${bytes.readUInt32BE(11)} bytes instead of ${blobChunkSize}`);
  const tenantLength = bytes.readUInt8(26);
  if (27 + tenantLength >= bytes.length) fail('its header is cut short');
  const blobLength = bytes.readUInt8(27 + tenantLength);
  if (28 + tenantLength + blobLength !== bytes.length) fail('its header\'s id lengths do not add up');
  const tenantId = bytes.subarray(27, 27 + tenantLength);
  const blobId = bytes.subarray(28 + tenantLength);
  if (!tenantId.equals(idBytes(expected.tenantId))) fail('its header names another tenant (a changed header, or a file copied from another tenant\'s blob)');
  if (!blobId.equals(idBytes(expected.blobId))) fail('its header names another blob (a changed header, or a file copied from another blob)');
  return {
    formatVersion, tenantId: expected.tenantId, blobId: expected.blobId, tenantKeyVersion: bytes.readUInt32BE(15),
    noncePrefix: Buffer.from(bytes.subarray(19, 26)), bytes: Buffer.from(bytes),
  };
}

/** How many chunks a plaintext of this size is stored in (an empty one still has its one last chunk). */
export function blobChunkCount(plaintextSize: number): number {
  return plaintextSize === 0 ? 1 : Math.ceil(plaintextSize / blobChunkSize);
}

/** The stored size of a blob: header, every chunk's ciphertext and its tag. */
export function encryptedBlobSize(headerLength: number, plaintextSize: number): number {
  return headerLength + plaintextSize + blobChunkCount(plaintextSize) * blobTagLength;
}

/** The nonce of chunk `index`: prefix, 32-bit big-endian index, last-chunk flag. */
export function chunkNonce(noncePrefix: Buffer, index: number, last: boolean): Buffer {
  if (index >= maxBlobChunks) throw new RangeError(`A blob holds at most ${maxBlobChunks} chunks of ${blobChunkSize} bytes.`);
  const nonce = Buffer.alloc(12);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, noncePrefixLength);
  nonce.writeUInt8(last ? 1 : 0, 11);
  return nonce;
}

/** Encrypts one chunk: its ciphertext and its tag, to be stored one after the other. */
export function sealChunk(key: DataKey, header: BlobHeader, index: number, last: boolean, plaintext: Buffer): [Buffer, Buffer] {
  const cipher = createCipheriv('aes-256-gcm', key, chunkNonce(header.noncePrefix, index, last), { authTagLength: blobTagLength });
  cipher.setAAD(header.bytes);
  const ciphertext = cipher.update(plaintext);
  cipher.final();
  return [ciphertext, cipher.getAuthTag()];
}

/**
 * Decrypts one stored chunk (ciphertext and tag) as chunk `index`, last or not, and returns its
 * plaintext only once the tag verified; null when it does not (nothing of it is returned).
 */
export function openChunk(key: DataKey, header: BlobHeader, index: number, last: boolean, sealed: Buffer): Buffer | null {
  if (sealed.length < blobTagLength || sealed.length > sealedChunkSize) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, chunkNonce(header.noncePrefix, index, last), { authTagLength: blobTagLength });
  decipher.setAAD(header.bytes);
  decipher.setAuthTag(sealed.subarray(sealed.length - blobTagLength));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - blobTagLength));
  try {
    decipher.final();
  } catch {
    return null;
  }
  return plaintext;
}

function idBytes(id: string): Buffer {
  const bytes = Buffer.from(id, 'utf8');
  if (bytes.length === 0 || bytes.length > maxIdBytes) throw new Error(`A blob header id is 1 to ${maxIdBytes} bytes of UTF-8; "${id.slice(0, 40)}" is ${bytes.length}.`);
  return bytes;
}
