/**
 * A stored blob that fails its checks: a changed or missing byte, a reordered, repeated or missing
 * chunk, a header copied from another blob or tenant, or a wrong key. None of these can be told from
 * the others by the cipher alone, and none is ever served as data (SECURITY.md: Data at rest).
 */
export class BlobIntegrityError extends Error {
  /** The blob whose stored file failed. */
  readonly blobId: string;
  /** What failed, as a phrase ("chunk 3 does not authenticate"). */
  readonly reason: string;

  constructor(blobId: string, reason: string) {
    super(`The stored file of blob ${blobId} failed its integrity check: ${reason}. The stored file is damaged or was changed; restore it from a backup.`);
    this.name = 'BlobIntegrityError';
    this.blobId = blobId;
    this.reason = reason;
  }
}
