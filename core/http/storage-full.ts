// A full disk, whichever layer noticed it: the blob store (BlobStoreFullError, from ENOSPC or EDQUOT, or
// an S3 store's 507), SQLite (SQLITE_FULL) or PostgreSQL (SQLSTATE 53100 disk_full), or a plain file
// write (ENOSPC, EDQUOT). All of them mean the same to a client: nothing of the request was saved, and
// what was stored before is unharmed (each layer fails its write before anything becomes visible).
import { AppError } from './app-error.ts';

const fullCodes = new Set(['blob_store_full', 'SQLITE_FULL', '53100', 'ENOSPC', 'EDQUOT']);
// Where drivers and Sequelize keep the error they wrap.
const wrappedKeys = ['cause', 'parent', 'original'] as const;

/** Whether `error`, or an error it wraps (cause, Sequelize's parent/original), says the storage is full. */
export function isStorageFull(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && fullCodes.has(code)) return true;
    for (const key of wrappedKeys) pending.push((current as Record<string, unknown>)[key]);
  }
  return false;
}

/** The sentence a client gets when the disk is full. */
export const storageFullMessage = 'The server\'s disk is full, so nothing was saved. Ask your administrator to free space; what is already stored is unharmed, and reading it still works.';

/** 507 Insufficient Storage with the stable code `storage_full`: the request saved nothing because the disk is full. */
export function storageFullError(cause: unknown): AppError {
  return new AppError(507, 'storage_full', storageFullMessage, { cause, expose: true });
}
