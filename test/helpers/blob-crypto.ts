// Encrypting and decrypting whole in-memory blobs through the real streams, for the format tests.
import { createSecretKey, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBlobDecryptor } from '../../core/files/blob-decryptor.ts';
import { createBlobEncryptor, type BlobEncryptionSummary } from '../../core/files/blob-encryptor.ts';
import type { DataKey } from '../../core/files/blob-format.ts';

/** Who a test blob is. */
export interface TestBlobIdentity {
  key: DataKey;
  tenantId: string;
  blobId: string;
}

/** A fresh random identity: random key, uuid-shaped ids. */
export function testBlobIdentity(overrides: Partial<TestBlobIdentity> = {}): TestBlobIdentity {
  return { key: createSecretKey(randomBytes(32)), tenantId: randomUUID(), blobId: randomUUID(), ...overrides };
}

/** `data` cut into pieces of random sizes (1 byte to a few chunks), as a network would deliver it. */
export function inRandomPieces(data: Buffer, maxPiece = 200_000): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < data.length;) {
    const size = Math.min(data.length - offset, randomInt(1, maxPiece + 1));
    pieces.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** Everything a stream wrote, collected, and the pieces as they came. */
export function collector(): { sink: Writable; pieces: Buffer[]; bytes(): Buffer } {
  const pieces: Buffer[] = [];
  return {
    sink: new Writable({ write(chunk: Buffer, _encoding, callback) { pieces.push(chunk); callback(); } }),
    pieces,
    bytes: () => Buffer.concat(pieces),
  };
}

/** Encrypts `plaintext` (fed in random pieces) and returns the stored bytes and the encryptor's summary. */
export async function encryptBlob(identity: TestBlobIdentity, plaintext: Buffer, tenantKeyVersion = 1): Promise<{ stored: Buffer; summary: BlobEncryptionSummary }> {
  const encryptor = createBlobEncryptor({ ...identity, tenantKeyVersion });
  const out = collector();
  await pipeline(Readable.from(inRandomPieces(plaintext)), encryptor, out.sink);
  return { stored: out.bytes(), summary: await encryptor.summary };
}

/** Decrypts stored bytes (fed in random pieces); `emitted` sees every plaintext piece pushed, even when it fails later. */
export async function decryptBlob(identity: TestBlobIdentity, stored: Buffer, emitted: Buffer[] = []): Promise<Buffer> {
  const out = collector();
  await pipeline(Readable.from(inRandomPieces(stored)), createBlobDecryptor(identity), new Writable({
    write(chunk: Buffer, _encoding, callback) { emitted.push(chunk); out.pieces.push(chunk); callback(); },
  }));
  return out.bytes();
}
