import { join } from 'node:path';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { assertBlobStore, type BlobStore } from './blob-store.ts';
import { LocalBlobStore } from './local-blob-store.ts';
import { S3BlobStore } from './s3-blob-store.ts';

/** The directory the local blob store uses: files.localDir, or `<dataDir>/blobs`. */
export function localBlobDirectory(config: KirjuriConfig): string {
  return config.files.localDir ?? join(config.dataDir, 'blobs');
}

/**
 * Opens the blob store `files.store` names, checked and ready: the local one tidied after a crash,
 * the S3 one with its bucket reached (HeadBucket). Throws a sentence saying what to fix otherwise.
 */
export async function createBlobStore(config: KirjuriConfig, log: Logger): Promise<BlobStore> {
  const { store: kind, s3 } = config.files;
  const storeLog = log.child({ component: 'blobs' });
  let store: BlobStore;
  if (kind === 's3') {
    store = await S3BlobStore.open({
      endpoint: s3.endpoint,
      region: s3.region,
      // The config schema requires a bucket when store is "s3".
      bucket: s3.bucket!,
      prefix: s3.prefix,
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : null,
      forcePathStyle: s3.forcePathStyle,
    }, storeLog);
  } else {
    store = await LocalBlobStore.open({ directory: localBlobDirectory(config), log: storeLog });
  }
  assertBlobStore(store, `files.store "${kind}"`);
  return store;
}
