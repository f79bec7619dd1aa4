import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { S3BlobStore, type S3BlobStoreOptions } from '../../core/files/s3-blob-store.ts';
import { BlobStoreError } from '../../core/files/blob-store-errors.ts';
import { blobStoreContract } from '../helpers/blob-store-contract.ts';
import { collect, failingStream, streamOf } from '../helpers/blob-streams.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { s3TestCredentials, startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.ts';

const bucket = 'kirjuri-test';
const mib = 1024 * 1024;

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('S3BlobStore', () => {
  let server: S3TestServer;
  before(async () => {
    server = await startS3TestServer();
    await server.createBucket(bucket);
  });
  after(async () => { await server.close(); });

  const optionsFor = (overrides: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions => ({
    endpoint: server.endpoint, region: 'us-east-1', bucket, prefix: 'kirjuri/', credentials: s3TestCredentials, forcePathStyle: true,
    // S3's smallest part, so that a few MiB make a real multipart upload.
    partSize: 5 * mib,
    ...overrides,
  });

  describe('the BlobStore contract', () => {
    blobStoreContract(() => ({
      openStore: ({ listPageSize }) => S3BlobStore.open(optionsFor({ listPageSize })),
      leftovers: () => server.openMultipartUploads(bucket),
    }));
  });

  describe('against the bucket', () => {
    let store: S3BlobStore;
    before(async () => { store = await S3BlobStore.open(optionsFor({ listPageSize: 2 })); });
    after(async () => { await store.close(); });

    const requestsSince = (start: number): string[] => server.requests.slice(start).map((r) => {
      const q = r.query;
      if (r.method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
      if (r.method === 'PUT' && q.has('partNumber')) return 'UploadPart';
      if (r.method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
      if (r.method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
      if (r.method === 'PUT') return 'PutObject';
      if (r.method === 'GET' && q.get('list-type') === '2') return 'ListObjectsV2';
      return `${r.method} ${r.path}`;
    });

    it('put() stores the blob under the prefix, as one PutObject when it fits in a part and as a completed multipart upload when not', async () => {
      const start = server.requests.length;
      const small = `tenants/${randomUUID()}/small`;
      const large = `tenants/${randomUUID()}/large`;
      const stored = await store.put(small, streamOf(Buffer.from('ciphertext')));
      expect(stored.etag).to.be.a('string');
      await store.put(large, streamOf(Buffer.alloc(11 * mib)));
      expect(requestsSince(start)).to.deep.equal(['PutObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPart', 'UploadPart', 'CompleteMultipartUpload']);
      const head = await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: `kirjuri/${large}` }));
      expect(head.ContentLength).to.equal(11 * mib);
    });

    it('put() aborts the multipart upload it started when the source fails after the first part', async () => {
      const start = server.requests.length;
      const key = `tenants/${randomUUID()}/cut-off`;
      await rejectionOf(store.put(key, failingStream(6 * mib, new Error('The client went away.'))));
      expect(requestsSince(start)).to.deep.equal(['CreateMultipartUpload', 'UploadPart', 'AbortMultipartUpload']);
      expect(await server.openMultipartUploads(bucket)).to.deep.equal([]);
      expect(await store.stat(key)).to.equal(null);
    });

    it('put() sends no checksum headers or trailers that S3-compatible servers may not understand', async () => {
      const start = server.requests.length;
      await store.put(`tenants/${randomUUID()}/plain`, streamOf(Buffer.alloc(6 * mib)));
      const uploads = server.requests.slice(start).filter((r) => r.method === 'PUT' || r.method === 'POST');
      expect(uploads).to.have.length.greaterThan(2);
      for (const request of uploads) {
        const names = Object.keys(request.headers);
        expect(names.filter((n) => n.startsWith('x-amz-checksum-') || n === 'x-amz-sdk-checksum-algorithm' || n === 'x-amz-trailer'), request.path).to.deep.equal([]);
      }
    });

    it('list() follows continuation tokens across pages of ListObjectsV2', async () => {
      const tenant = randomUUID();
      for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await store.put(`tenants/${tenant}/${name}`, streamOf(Buffer.from(name)));
      const start = server.requests.length;
      expect(await collect(store.list(`tenants/${tenant}/`))).to.have.length(5);
      expect(requestsSince(start)).to.deep.equal(['ListObjectsV2', 'ListObjectsV2', 'ListObjectsV2']);
    });

    it('list() leaves out objects outside the prefix and objects under it that are not blob keys', async () => {
      const tenant = randomUUID();
      await store.put(`tenants/${tenant}/ours`, streamOf(Buffer.from('ours')));
      const client = server.client();
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `tenants/${tenant}/outside-the-prefix`, Body: 'x' }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `kirjuri/tenants/${tenant}/not a blob key`, Body: 'x' }));
      expect((await collect(store.list(`tenants/${tenant}/`))).map(({ key, size }) => ({ key, size }))).to.deep.equal([{ key: `tenants/${tenant}/ours`, size: 4 }]);
    });

    it('open() fails with a sentence naming the endpoint and the bucket when the bucket does not exist', async () => {
      const error = await rejectionOf(S3BlobStore.open(optionsFor({ bucket: 'no-such-bucket' })));
      expect(error).to.be.instanceOf(BlobStoreError);
      expect(error.message).to.equal(`The S3 bucket "no-such-bucket" at ${server.endpoint} cannot be reached (NotFound, HTTP 404): check files.s3.endpoint and files.s3.bucket (KIRJURI_S3_ENDPOINT, KIRJURI_S3_BUCKET), that the bucket exists, and that the access key may use it.`);
    });

    it('open() fails with a sentence naming the endpoint and the bucket when nothing answers there', async () => {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const error = await rejectionOf(S3BlobStore.open(optionsFor({ endpoint })));
      expect(error.message).to.match(new RegExp(`^The S3 bucket "${bucket}" at ${endpoint} cannot be reached \\(.*ECONNREFUSED.*\\): check files\\.s3\\.endpoint`));
    });
  });
});
