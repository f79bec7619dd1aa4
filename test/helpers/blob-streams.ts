// Byte streams for blob store tests: whole, failing halfway, or stalling (a client that stops sending).
import { Readable } from 'node:stream';

/** 64 KiB, the chunk size of the blob format. */
export const chunkSize = 64 * 1024;

/** `bytes` as a stream of chunkSize pieces. */
export function streamOf(bytes: Uint8Array): Readable {
  return Readable.from((function* pieces() {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) yield Buffer.from(bytes.subarray(offset, offset + chunkSize));
  })());
}

/** A stream that sends `bytesBefore` bytes and then fails with `error`. */
export function failingStream(bytesBefore: number, error: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytesBefore) {
        this.destroy(error);
        return;
      }
      const size = Math.min(chunkSize, bytesBefore - sent);
      sent += size;
      this.push(Buffer.alloc(size, 0x5a));
    },
  });
}

/** A stream that sends `bytesBefore` bytes, calls `onStall` once when asked for more, and then sends nothing. */
export function stallingStream(bytesBefore: number, onStall: () => void): Readable {
  let sent = 0;
  let stalled = false;
  return new Readable({
    read() {
      if (sent >= bytesBefore) {
        if (!stalled) {
          stalled = true;
          setImmediate(onStall);
        }
        return;
      }
      const size = Math.min(chunkSize, bytesBefore - sent);
      sent += size;
      this.push(Buffer.alloc(size, 0xa5));
    },
  });
}

/** Everything a stream yields, as one Buffer. */
export async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Everything an async iterable yields. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
