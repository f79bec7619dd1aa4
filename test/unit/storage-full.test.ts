import { expect } from 'chai';
import { DatabaseError } from 'sequelize';
import { BlobStoreError, BlobStoreFullError } from '../../core/files/blob-store-errors.ts';
import { toAppError } from '../../core/http/error-renderer.ts';
import { isStorageFull } from '../../core/http/storage-full.ts';

const driverError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('storage full', () => {
  it('isStorageFull() is true for a full blob store, SQLITE_FULL and PostgreSQL 53100 inside Sequelize\'s error, and ENOSPC as a cause', () => {
    expect(isStorageFull(new BlobStoreFullError('Storing blob "k" failed because the disk is full (ENOSPC).', 'k'))).to.equal(true);
    expect(isStorageFull(new DatabaseError(driverError('SQLITE_FULL', 'SQLITE_FULL: database or disk is full') as never))).to.equal(true);
    expect(isStorageFull(new DatabaseError(driverError('53100', 'could not extend file: No space left on device') as never))).to.equal(true);
    expect(isStorageFull(new Error('Writing the checkpoint failed.', { cause: driverError('ENOSPC', 'no space left on device') }))).to.equal(true);
  });

  it('isStorageFull() is false for other failures, and a cycle of causes does not loop', () => {
    expect(isStorageFull(new BlobStoreError('Reading failed (EIO).', 'k'))).to.equal(false);
    expect(isStorageFull(new DatabaseError(driverError('SQLITE_BUSY', 'database is locked') as never))).to.equal(false);
    expect(isStorageFull(null)).to.equal(false);
    const looped = new Error('a') as Error & { cause?: unknown };
    looped.cause = looped;
    expect(isStorageFull(looped)).to.equal(false);
  });

  it('toAppError() answers a full disk with 507 storage_full and a sentence shown to the client', () => {
    const error = toAppError(new DatabaseError(driverError('SQLITE_FULL', 'SQLITE_FULL: database or disk is full') as never));
    expect(error).to.include({ status: 507, code: 'storage_full', expose: true });
    expect(error.message).to.match(/^The server's disk is full, so nothing was saved\./);
    expect(toAppError(new Error('boom'))).to.include({ status: 500, expose: false });
  });
});
