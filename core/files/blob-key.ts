import { InvalidBlobKeyError } from './blob-store-errors.ts';

// Keys are made by the server (`tenants/<tenantId>/<blobId>`), so anything unusual is a bug or an
// attack: refuse it rather than normalise it. A segment starts with a letter or digit, which rules
// out "." and ".." and keeps the names the stores use for themselves (".tmp", "_ab") apart from keys.
const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** The longest key accepted (S3 allows 1024 bytes; a store prefix needs room too). */
export const maxBlobKeyLength = 512;
const maxSegmentLength = 200;

/** The key as a quoted, escaped snippet that is safe to put in a message or a log line. */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

function problemOf(key: string): string | null {
  if (key === '') return 'it is empty';
  if (key.length > maxBlobKeyLength) return `it is longer than ${maxBlobKeyLength} characters`;
  if (key.startsWith('/')) return 'it is an absolute path';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty segment ("//", or "/" at the end)';
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
    if (segment.length > maxSegmentLength) return `a segment is longer than ${maxSegmentLength} characters`;
    if (!segmentPattern.test(segment)) return 'a segment does not start with a letter or digit or holds other characters than letters, digits, ".", "_" and "-"';
  }
  return null;
}

/** Whether `key` is a valid blob key (for filtering what a listing finds; callers that act on a key use assertBlobKey). */
export function isBlobKey(key: string): boolean {
  return problemOf(key) === null;
}

/** Throws InvalidBlobKeyError unless `key` is a server-made blob key such as `tenants/<tenantId>/<blobId>`. */
export function assertBlobKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new InvalidBlobKeyError(`A blob key must be a string, not ${key === null ? 'null' : typeof key}.`);
  const problem = problemOf(key);
  if (problem) throw new InvalidBlobKeyError(`The blob key ${shown(key)} is refused because ${problem}: keys are made by the server, like "tenants/<tenantId>/<blobId>".`);
}

/**
 * Throws InvalidBlobKeyError unless `prefix` is empty or the start of a valid key: whole segments,
 * optionally ending in "/" or in the start of a segment ("tenants/t1/", "tenants/t1/ab").
 */
export function assertBlobKeyPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new InvalidBlobKeyError(`A blob key prefix must be a string, not ${prefix === null ? 'null' : typeof prefix}.`);
  if (prefix === '') return;
  const problem = problemOf(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (problem) throw new InvalidBlobKeyError(`The blob key prefix ${shown(prefix)} is refused because ${problem}: list with "" or the start of a key, like "tenants/<tenantId>/".`);
}
