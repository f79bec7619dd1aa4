import { Readable, Transform, pipeline } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from '../kernel/create-logger.ts';
import { assertBlobKey, assertBlobKeyPrefix, isBlobKey } from './blob-key.ts';
import { assertBlobRange, assertPutMayStart, type BlobListEntry, type BlobPutOptions, type BlobPutResult, type BlobRange, type BlobStat, type BlobStore } from './blob-store.ts';
import { BlobNotFoundError, BlobRangeError, BlobStoreError, BlobStoreFullError } from './blob-store-errors.ts';

/** Where an S3BlobStore keeps its blobs, and how it talks to the server. */
export interface S3BlobStoreOptions {
  /** The S3-compatible server's URL (`https://s3.example:9000`); null for AWS S3 itself, chosen by region. */
  endpoint: string | null;
  region: string;
  bucket: string;
  /** Put before every key (`kirjuri/`), so that the bucket may hold other things too; '' for none. */
  prefix: string;
  /** A static access key; null uses the SDK's default chain (AWS_* variables, instance and container roles). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`: what most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Bytes per multipart part, 5 MiB at least; a put buffers at most partSize x queueSize bytes. */
  partSize?: number;
  /** Parts uploaded at once by one put. */
  queueSize?: number;
  /** Keys asked for per ListObjectsV2 page (S3's maximum is 1000; tests use a small one to cross pages). */
  listPageSize?: number;
  /** How long the start-up check (HeadBucket) may take. */
  startTimeoutMs?: number;
}

/** Multipart part size: 8 MiB parts allow objects up to 80 GiB (S3 allows 10,000 parts). */
export const defaultPartSize = 8 * 1024 * 1024;

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const statusOf = (error: unknown): number | undefined => (error as SdkError)?.$metadata?.httpStatusCode;

/** A short account of an SDK error for a message: its name, HTTP status and network code. */
function describeFailure(error: unknown): string {
  const { name, code, message } = (error ?? {}) as SdkError;
  const status = statusOf(error);
  const parts = [name && name !== 'Error' && name !== 'UnknownError' ? name : undefined, status ? `HTTP ${status}` : undefined, code && code !== name ? code : undefined];
  const summary = parts.filter(Boolean).join(', ');
  return summary || message || String(error);
}

/**
 * Blobs as objects of an S3-compatible bucket, under a key prefix. Puts stream through a multipart
 * upload (lib-storage's Upload, never the whole body in memory), which S3 shows only once it is
 * completed and which is aborted when the put fails; small bodies go up as one PutObject.
 */
export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #where: string;
  readonly #partSize: number;
  readonly #queueSize: number;
  readonly #listPageSize: number;

  private constructor(options: S3BlobStoreOptions) {
    this.#client = new S3Client({
      endpoint: options.endpoint ?? undefined,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials ?? undefined,
      // Newer SDKs add CRC checksum headers and trailers by default, which many S3-compatible servers
      // refuse or mishandle; send and check them only where an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Without timeouts a server that stops answering hangs a put for ever. requestTimeout is an idle
      // timeout: it also ends a download whose reader has not taken a byte for that long.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.#where = options.endpoint ?? `AWS S3 (${options.region})`;
    this.#partSize = options.partSize ?? defaultPartSize;
    this.#queueSize = options.queueSize ?? 2;
    this.#listPageSize = options.listPageSize ?? 1000;
  }

  /** Connects and checks with HeadBucket that the bucket is there and may be used; otherwise throws a sentence naming endpoint and bucket. */
  static async open(options: S3BlobStoreOptions, log?: Logger): Promise<S3BlobStore> {
    const store = new S3BlobStore(options);
    try {
      await store.#client.send(new HeadBucketCommand({ Bucket: options.bucket }), { abortSignal: AbortSignal.timeout(options.startTimeoutMs ?? 30_000) });
    } catch (error) {
      store.#client.destroy();
      throw new BlobStoreError(`The S3 bucket "${options.bucket}" at ${store.#where} cannot be reached (${describeFailure(error)}): check files.s3.endpoint and files.s3.bucket (KIRJURI_S3_ENDPOINT, KIRJURI_S3_BUCKET), that the bucket exists, and that the access key may use it.`, null, { cause: error });
    }
    log?.info({ endpoint: store.#where, bucket: options.bucket, prefix: options.prefix }, 'Blobs are stored in S3');
    return store;
  }

  async put(key: string, body: Readable, options: BlobPutOptions = {}): Promise<BlobPutResult> {
    const { signal } = options;
    assertPutMayStart(key, body, signal);
    let size = 0;
    const counted = new Transform({ transform(chunk: Buffer, _encoding, done) { size += chunk.length; done(null, chunk); } });
    // pipeline passes a body's error on to `counted` (so the upload fails and aborts) and destroys the
    // body when `counted` is destroyed; the callback only keeps the error from going unhandled.
    pipeline(body, counted, () => undefined);
    const abort = (): void => { counted.destroy(signal?.reason); };
    signal?.addEventListener('abort', abort, { once: true });
    const objectKey = this.#prefix + key;
    try {
      const upload = new Upload({
        client: this.#client,
        params: { Bucket: this.#bucket, Key: objectKey, Body: counted, ContentType: 'application/octet-stream' },
        partSize: this.#partSize,
        queueSize: this.#queueSize,
        leavePartsOnError: false,
      });
      // done() settles only after a failed multipart upload was aborted, so nothing dangles once we answer.
      const result = await upload.done();
      if (signal?.aborted) {
        // Aborted after the last byte went up: the caller has given up on this blob, so it must not stay.
        await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: objectKey })).catch(() => undefined);
        throw signal.reason;
      }
      return { size, etag: result.ETag };
    } catch (error) {
      counted.destroy();
      if (signal?.aborted) throw signal.reason;
      // The body's own failure reaches us as the error `counted` was destroyed with: pass it on as it is.
      if (error === counted.errored) throw error;
      throw this.#failure('Storing', key, error);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async get(key: string, range?: BlobRange): Promise<Readable> {
    assertBlobKey(key);
    if (range) assertBlobRange(range);
    let body: unknown;
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      body = response.Body;
    } catch (error) {
      const { name } = error as SdkError;
      if (name === 'NoSuchKey' || statusOf(error) === 404) throw new BlobNotFoundError(key);
      if (range && (name === 'InvalidRange' || statusOf(error) === 416)) throw new BlobRangeError(key, range.start);
      throw this.#failure('Reading', key, error);
    }
    if (!(body instanceof Readable)) throw new BlobStoreError(`Reading blob "${key}" from S3 bucket "${this.#bucket}" at ${this.#where} gave no byte stream: this runtime's HTTP client is not supported.`, key);
    return body;
  }

  async stat(key: string): Promise<BlobStat | null> {
    assertBlobKey(key);
    try {
      const response = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
      return { size: response.ContentLength ?? 0 };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.#failure('Checking', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible servers answer 404.
      if (statusOf(error) !== 404) throw this.#failure('Deleting', key, error);
    }
  }

  async *list(prefix: string): AsyncGenerator<BlobListEntry> {
    assertBlobKeyPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix + prefix, MaxKeys: this.#listPageSize, ContinuationToken: continuationToken }));
      } catch (error) {
        throw this.#failure('Listing', null, error);
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.#prefix.length);
        // Objects that someone else put under the prefix are not blobs of ours.
        if (key && isBlobKey(key)) yield { key, size: object.Size ?? 0, modifiedAt: object.LastModified?.getTime() ?? 0 };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  #failure(doing: string, key: string | null, error: unknown): BlobStoreError {
    const what = `${key === null ? 'the blobs' : `blob "${key}"`} in S3 bucket "${this.#bucket}" at ${this.#where}`;
    if (statusOf(error) === 507 || (error as SdkError)?.name === 'XMinioStorageFull') {
      return new BlobStoreFullError(`${doing} ${what} failed because the storage is full (${describeFailure(error)}): free space or raise the quota there; nothing was stored.`, key, { cause: error });
    }
    return new BlobStoreError(`${doing} ${what} failed (${describeFailure(error)}): check that the server is reachable and that the access key may read, write and delete objects there.`, key, { cause: error });
  }
}
