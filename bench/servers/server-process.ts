import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinServerApartFromLoad } from '../cpu-pinning.ts';

/** A server the benchmark started in its own process, so it does not share a core with the load generator. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the "listening" line. */
  startMs: number;
  /** Resident set size of the server process in bytes, read from /proc. */
  rssBytes(): number;
  stop(): Promise<void>;
}

const benchDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root (bench/ is compiled to dist/bench/). */
export const repositoryRoot = join(benchDir, '..', '..');

function waitForUrl(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The server did not report listening within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code} before listening:\n${output}`));
    });
  });
}

async function startProcess(args: string[], env: NodeJS.ProcessEnv, pattern: RegExp, cleanup: () => void): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let url: string;
  try {
    url = await waitForUrl(child, pattern, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw error;
  }
  const startMs = performance.now() - started;
  pinServerApartFromLoad(child.pid!);
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url, pid: child.pid!, startMs,
    rssBytes: () => rssOf(child.pid!),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) {
        cleanup();
        resolve();
        return;
      }
      child.once('exit', () => {
        cleanup();
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

/** VmRSS of a process from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kib ? Number(kib[1]) * 1024 : Number.NaN;
}

/** Starts `kirjuri serve` with TLS off on a fresh temporary data dir (SQLite), on a free port. */
export function startKirjuri(extraEnv: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kirjuri-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KIRJURI_DATA_DIR: join(dir, 'data'), KIRJURI_MASTER_KEY_FILE: join(dir, 'keys', 'master.key'),
    KIRJURI_TLS: 'false', KIRJURI_LOG_LEVEL: 'warn', KIRJURI_HOST: '127.0.0.1', KIRJURI_PORT: '0',
    ...extraEnv,
  };
  return startProcess([join(repositoryRoot, 'bin', 'kirjuri.js'), 'serve'], env, /Kirjuri listening on (\S+)/, () => rmSync(dir, { recursive: true, force: true }));
}

/** Starts the bare Koa baseline. */
export function startBareKoa(): Promise<ServerProcess> {
  return startProcess([join(benchDir, 'servers', 'bare-koa-server.js')], { ...process.env }, /listening on (\S+)/, () => undefined);
}
