import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { LocalBlobStore } from '../../core/files/local-blob-store.ts';
import { S3BlobStore } from '../../core/files/s3-blob-store.ts';
import { bytesOf, streamOf } from '../helpers/blob-streams.ts';
import { createTestApp } from '../helpers/create-test-app.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { s3TestCredentials, startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.ts';

const bucket = 'kirjuri-app-test';

describe('createApp() and the blob store', () => {
  let server: S3TestServer;
  before(async () => {
    server = await startS3TestServer();
    await server.createBucket(bucket);
  });
  after(async () => { await server.close(); });

  const s3Settings = (overrides: { endpoint?: string; bucket?: string } = {}) => ({
    store: 's3' as const,
    localDir: null,
    s3: { endpoint: server.endpoint, region: 'us-east-1', bucket, prefix: 'app/', accessKeyId: s3TestCredentials.accessKeyId, secretAccessKey: s3TestCredentials.secretAccessKey, forcePathStyle: true, ...overrides },
  });

  it('createApp() opens the local store under <dataDir>/blobs and gives plugins the same one as core.blobs', async () => {
    const test = await createTestApp('sqlite');
    try {
      const { blobs, services, config } = test.kirjuri;
      expect(blobs).to.be.instanceOf(LocalBlobStore);
      expect(services.get('core.blobs')).to.equal(blobs);
      await services.get('core.blobs').put('tenants/t1/abc123', streamOf(Buffer.from('ciphertext')));
      expect(existsSync(join(config.dataDir, 'blobs', 'tenants', 't1', '_ab', 'abc123'))).to.equal(true);
    } finally {
      await test.close();
    }
  });

  it('createApp() stores blobs in the bucket when files.store is "s3"', async () => {
    const test = await createTestApp('sqlite', { files: s3Settings() });
    try {
      const blobs = test.kirjuri.services.get('core.blobs');
      expect(blobs).to.be.instanceOf(S3BlobStore);
      await blobs.put('tenants/t1/def456', streamOf(Buffer.from('ciphertext')));
      expect((await bytesOf(await blobs.get('tenants/t1/def456'))).toString()).to.equal('ciphertext');
      const head = await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'app/tenants/t1/def456' }));
      expect(head.ContentLength).to.equal(10);
    } finally {
      await test.close();
    }
  });

  it('createApp() stops with a sentence naming the endpoint and the bucket when the S3 bucket cannot be reached', async () => {
    const error = await rejectionOf(createTestApp('sqlite', { files: s3Settings({ bucket: 'missing-bucket' }) }));
    expect(error.message).to.contain(`The S3 bucket "missing-bucket" at ${server.endpoint} cannot be reached`);
  });
});
