import { spawnSync } from 'node:child_process';
import { createSecretKey, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BenchScenario } from '../bench-scenario.ts';
import { createBlobDecryptor } from '../../core/files/blob-decryptor.ts';
import { createBlobEncryptor } from '../../core/files/blob-encryptor.ts';
import { defaultReadDepth, defaultReadSize, ReadAheadStream } from '../../core/files/read-ahead-stream.ts';
import { median, rounded } from '../statistics.ts';

const mebibyte = 1024 * 1024;
const total = 256 * mebibyte;
// What an upload delivers at a time (a multipart parser's pieces), from a pool of random bytes.
const pieceSize = 64 * 1024;
const pool = randomBytes(8 * mebibyte);

function* pieces(): Generator<Buffer> {
  for (let offset = 0; offset < total; offset += pieceSize) {
    const at = offset % pool.length;
    yield pool.subarray(at, at + Math.min(pieceSize, total - offset));
  }
}

/** Seconds to stream the 256 MiB through `through` (or straight) into `file`, fsync included. */
async function timedWrite(file: string, through: Transform | null): Promise<number> {
  const started = performance.now();
  const target = createWriteStream(file);
  await (through ? pipeline(Readable.from(pieces()), through, target) : pipeline(Readable.from(pieces()), target));
  const handle = await open(file, 'r+');
  await handle.sync();
  await handle.close();
  return (performance.now() - started) / 1000;
}

/**
 * Seconds to read `file` back through `through` (or straight) into a sink that only counts. Both are
 * read the way LocalBlobStore.get() reads a blob for a download: open, stat, a ReadAheadStream to the
 * last byte with the store's defaults.
 */
async function timedRead(file: string, through: Transform | null): Promise<number> {
  let bytes = 0;
  const sink = new Writable({ write(chunk: Buffer, _encoding, callback) { bytes += chunk.length; callback(); } });
  const started = performance.now();
  const handle = await open(file, 'r');
  const source = new ReadAheadStream(handle, { end: (await handle.stat()).size - 1 });
  await (through ? pipeline(source, through, sink) : pipeline(source, sink));
  const seconds = (performance.now() - started) / 1000;
  if (bytes !== total) throw new Error(`The benchmark read ${bytes} bytes back instead of ${total}.`);
  return seconds;
}

/**
 * Asks the kernel to drop the file's pages from its cache (GNU dd's nocache flag is posix_fadvise
 * DONTNEED; the file is fsynced, so its pages are clean), so that the next read comes from the disk.
 * False when dd cannot do it here.
 */
function dropFromPageCache(file: string): boolean {
  const dropped = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { encoding: 'utf8' });
  return dropped.status === 0;
}

/** Runs both, plain first in even rounds and encrypted first in odd ones; returns [plain, encrypted]. */
async function inTurn(round: number, plain: () => Promise<number>, encrypted: () => Promise<number>): Promise<[number, number]> {
  if (round % 2 === 0) {
    const first = await plain();
    return [first, await encrypted()];
  }
  const first = await encrypted();
  return [await plain(), first];
}

const rate = (seconds: number): string => `${rounded(total / mebibyte / seconds)} MiB/s`;

/**
 * Encrypting and writing 256 MiB through the blob encryptor to a file vs plainly writing the same bytes
 * (fsync both), and reading back + decrypting vs plainly reading, on the same disk in the same run.
 * Both reads go through the local store's read path (ReadAheadStream) into a consumer. Reads are
 * measured from the disk (both files dropped from the page cache first: the target) and again from the
 * page cache, where nothing hides the decryption's own cost.
 */
export const blobCryptoScenario: BenchScenario = {
  name: 'blob-crypto',
  description: 'Encrypting + writing and reading + decrypting 256 MiB vs plain file I/O (target: at least 60 % of plain throughput each way).',
  async run(settings) {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-bench-blob-'));
    const identity = { key: createSecretKey(randomBytes(32)), tenantId: '6f1c2d3e-4b5a-4c6d-8e7f-000000000001', blobId: '6f1c2d3e-4b5a-4c6d-8e7f-000000000002' };
    const plainFile = join(dir, 'plain.bin');
    const encryptedFile = join(dir, 'encrypted.bin');
    const times = { plainWrite: [] as number[], encryptedWrite: [] as number[], plainRead: [] as number[], decryptedRead: [] as number[], plainCachedRead: [] as number[], decryptedCachedRead: [] as number[] };
    let fromDisk = true;
    try {
      // One unmeasured round warms the code and the file system.
      for (let round = 0; round <= settings.rounds; round += 1) {
        const measured = round > 0;
        // Every other round the encrypted side goes first, so that neither always meets a warmer disk.
        const [plainWrite, encryptedWrite] = await inTurn(round, () => timedWrite(plainFile, null), () => timedWrite(encryptedFile, createBlobEncryptor({ ...identity, tenantKeyVersion: 1 })));
        fromDisk = dropFromPageCache(plainFile) && dropFromPageCache(encryptedFile) && fromDisk;
        const [plainRead, decryptedRead] = await inTurn(round, () => timedRead(plainFile, null), () => timedRead(encryptedFile, createBlobDecryptor(identity)));
        // Now both are in the page cache: the same reads again show what the decryption itself costs.
        const [plainCachedRead, decryptedCachedRead] = await inTurn(round, () => timedRead(plainFile, null), () => timedRead(encryptedFile, createBlobDecryptor(identity)));
        if (!measured) continue;
        times.plainWrite.push(plainWrite);
        times.encryptedWrite.push(encryptedWrite);
        times.plainRead.push(plainRead);
        times.decryptedRead.push(decryptedRead);
        times.plainCachedRead.push(plainCachedRead);
        times.decryptedCachedRead.push(decryptedCachedRead);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Like the other scenarios: the median of the rounds' ratios (encrypted throughput over plain).
    const ratio = (plain: number[], encrypted: number[]): number => median(plain.map((seconds, round) => seconds / encrypted[round]!));
    const writeRatio = ratio(times.plainWrite, times.encryptedWrite);
    const readRatio = ratio(times.plainRead, times.decryptedRead);
    const cachedRatio = ratio(times.plainCachedRead, times.decryptedCachedRead);
    const verdict = (ratio: number): string => `${rounded(ratio * 100)} % (target >= 60 %): ${ratio >= 0.6 ? 'met' : 'NOT met'}`;
    const list = (values: number[]): string => values.map((s) => rounded(s, 2)).join(', ');
    const ratios = (plain: number[], encrypted: number[]): string => plain.map((seconds, round) => `${rounded(seconds / encrypted[round]! * 100)} %`).join(', ');
    return [
      `blob-crypto: 256 MiB in ${pieceSize / 1024} KiB pieces, read back as LocalBlobStore.get() reads (${defaultReadDepth} reads of ${defaultReadSize / 1024} KiB ahead), ${settings.rounds} runs each: median rates, median of the rounds' ratios`,
      `write + fsync:            plain ${rate(median(times.plainWrite))}, encrypted ${rate(median(times.encryptedWrite))}: ${verdict(writeRatio)}`,
      `read ${fromDisk ? 'from the disk:    ' : '(page cache: dd could not drop it):'} plain ${rate(median(times.plainRead))}, decrypted ${rate(median(times.decryptedRead))}: ${verdict(readRatio)}`,
      `read from the page cache: plain ${rate(median(times.plainCachedRead))}, decrypted ${rate(median(times.decryptedCachedRead))}: ${rounded(cachedRatio * 100)} % (the decryption's own cost; no target)`,
      `ratios per round: write ${ratios(times.plainWrite, times.encryptedWrite)}; read ${ratios(times.plainRead, times.decryptedRead)}; cached ${ratios(times.plainCachedRead, times.decryptedCachedRead)}`,
      `runs (s): plain write ${list(times.plainWrite)}; encrypted write ${list(times.encryptedWrite)}; plain read ${list(times.plainRead)}; decrypted read ${list(times.decryptedRead)}; cached ${list(times.plainCachedRead)} vs ${list(times.decryptedCachedRead)}`,
    ].join('\n');
  },
};
