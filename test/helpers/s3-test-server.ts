// A local S3-compatible server for tests: s3rver on 127.0.0.1 (port 0, a temporary directory), with
// three operations it lacks or cannot do on OpenSSL 3 added in front of it, over its own file store:
//   - ListMultipartUploads and AbortMultipartUpload (s3rver refuses them with a NotImplemented error or a 405), which
//     lib-storage needs to clean up a failed upload and the tests need to see that nothing dangles;
//   - ListObjectsV2 continuation tokens (s3rver encrypts them with DES, which OpenSSL 3 refuses, so
//     every truncated page fails): the same listing with an opaque base64url token.
// Every request is recorded, so a test can see which operations were sent and with which headers.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver's fixed account. */
export const s3TestCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** One request the server received. */
export interface S3TestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** A running test S3 server. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Every request so far, oldest first. */
  readonly requests: S3TestRequest[];
  /** An SDK client for the test's own calls (path style, the test credentials). */
  client(): S3Client;
  /** Makes a bucket. */
  createBucket(name: string): Promise<void>;
  /** The multipart uploads still open in `bucket`, as the S3 API lists them. */
  openMultipartUploads(bucket: string): Promise<string[]>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

interface S3rverObject {
  key: string;
  size: number;
  lastModifiedDate: Date;
  metadata: Record<string, string>;
}

/** The part of s3rver's file store (not in its typings) that the added operations use. */
interface S3rverStore {
  listObjects(bucket: string, options: { prefix?: string; maxKeys?: number; startAfter?: string }): Promise<{ objects: S3rverObject[]; isTruncated: boolean }>;
}

const xmlEscape = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const element = (name: string, value: string | number | boolean): string => `<${name}>${xmlEscape(String(value))}</${name}>`;
const xmlDocument = (root: string, inner: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;

function sendXml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Starts s3rver behind the added operations on 127.0.0.1 with a fresh temporary directory. */
export async function startS3TestServer(): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'kirjuri-s3-'));
  const s3rver = new S3rver({ directory, silent: true });
  const store = (s3rver as unknown as { store: S3rverStore }).store;
  const forward = s3rver.callback();
  const requests: S3TestRequest[] = [];
  // s3rver keeps a bucket's open multipart uploads in <directory>/<bucket>/._S3rver_uploads/<uploadId>/.
  const uploadsDir = (bucket: string): string => join(directory, bucket, '._S3rver_uploads');

  async function listMultipartUploads(bucket: string, query: URLSearchParams, response: ServerResponse): Promise<void> {
    const prefix = query.get('prefix') ?? '';
    const ids = existsSync(uploadsDir(bucket)) ? await readdir(uploadsDir(bucket)) : [];
    let uploads = '';
    for (const id of ids.sort()) {
      const key = await readFile(join(uploadsDir(bucket), id, 'key'), 'utf8').catch(() => null);
      if (key === null || !key.startsWith(prefix)) continue;
      const initiated = (await stat(join(uploadsDir(bucket), id))).birthtime.toISOString();
      uploads += `<Upload>${element('Key', key)}${element('UploadId', id)}${element('Initiated', initiated)}${element('StorageClass', 'STANDARD')}</Upload>`;
    }
    sendXml(response, 200, xmlDocument('ListMultipartUploadsResult', `${element('Bucket', bucket)}${element('Prefix', prefix)}${element('MaxUploads', 1000)}${element('IsTruncated', false)}${uploads}`));
  }

  async function abortMultipartUpload(bucket: string, uploadId: string, response: ServerResponse): Promise<void> {
    const dir = join(uploadsDir(bucket), uploadId);
    if (!/^[0-9a-f]+$/.test(uploadId) || !existsSync(dir)) {
      sendXml(response, 404, `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${element('Code', 'NoSuchUpload')}${element('Message', 'The specified upload does not exist.')}</Error>`);
      return;
    }
    await rm(dir, { recursive: true, force: true });
    response.writeHead(204).end();
  }

  async function listObjectsV2(bucket: string, query: URLSearchParams, response: ServerResponse): Promise<void> {
    const prefix = query.get('prefix') ?? '';
    const maxKeys = Math.min(1000, Number(query.get('max-keys') ?? 1000));
    const token = query.get('continuation-token');
    const startAfter = token ? Buffer.from(token, 'base64url').toString('utf8') : (query.get('start-after') ?? undefined);
    const { objects, isTruncated } = await store.listObjects(bucket, { prefix, maxKeys, startAfter });
    const contents = objects.map((o) => `<Contents>${element('Key', o.key)}${element('LastModified', o.lastModifiedDate.toISOString())}${element('ETag', o.metadata.etag ?? '')}${element('Size', o.size)}${element('StorageClass', 'STANDARD')}</Contents>`).join('');
    const next = isTruncated && objects.length ? element('NextContinuationToken', Buffer.from(objects.at(-1)!.key).toString('base64url')) : '';
    sendXml(response, 200, xmlDocument('ListBucketResult', `${element('Name', bucket)}${element('Prefix', prefix)}${element('KeyCount', objects.length)}${element('MaxKeys', maxKeys)}${element('IsTruncated', isTruncated)}${token ? element('ContinuationToken', token) : ''}${next}${contents}`));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
    // The SDK asks for bucket operations as "/bucket/".
    const onBucket = keyParts.join('/') === '';
    requests.push({ method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers });
    const bucketExists = bucket !== '' && existsSync(join(directory, bucket));
    if (bucketExists && onBucket && request.method === 'GET' && url.searchParams.has('uploads')) return listMultipartUploads(bucket, url.searchParams, response);
    if (bucketExists && onBucket && request.method === 'GET' && url.searchParams.get('list-type') === '2') return listObjectsV2(bucket, url.searchParams, response);
    if (bucketExists && !onBucket && request.method === 'DELETE' && url.searchParams.has('uploadId')) return abortMultipartUpload(bucket, url.searchParams.get('uploadId')!, response);
    forward(request, response);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => sendXml(response, 500, `<Error>${element('Code', 'InternalError')}${element('Message', error.message)}</Error>`));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let testClient: S3Client | undefined;
  const client = (): S3Client => (testClient ??= new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3TestCredentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }));

  return {
    endpoint,
    requests,
    client,
    async createBucket(name) {
      await client().send(new CreateBucketCommand({ Bucket: name }));
    },
    async openMultipartUploads(bucket) {
      const listed = await client().send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (listed.Uploads ?? []).map((u) => `${u.Key} (upload ${u.UploadId})`);
    },
    async close() {
      testClient?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      (s3rver as unknown as { logger?: { close(): void } }).logger?.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
