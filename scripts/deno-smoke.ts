// Deno smoke test (deno task smoke): starts `deno run core/main.ts serve` on a temp data dir with the
// default HTTPS and a self-signed certificate, asks GET /api/v1/health over TLS trusting that
// certificate, then sends SIGTERM and expects a clean exit. Written with node: APIs only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  }).on('error', reject);
});

const dataDir = mkdtempSync(join(tmpdir(), 'kirjuri-deno-'));
const port = await freePort();
const child = spawn(process.execPath, ['run', '--allow-all', 'core/main.ts', 'serve'], {
  env: { ...process.env, KIRJURI_DATA_DIR: join(dataDir, 'data'), KIRJURI_MASTER_KEY_FILE: join(dataDir, 'keys', 'master.key'), KIRJURI_HOST: '127.0.0.1', KIRJURI_PORT: String(port), KIRJURI_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const fail = (message: string): never => {
  console.error(`deno smoke: ${message}`);
  child.kill('SIGKILL');
  process.exit(1);
};
const timer = setTimeout(() => fail('Kirjuri did not start under Deno within 60 s'), 60_000);

let output = '';
const url = await new Promise<string>((resolve) => {
  child.stdout!.on('data', (chunk: Uint8Array) => {
    output += new TextDecoder().decode(chunk);
    const match = /Kirjuri listening on (\S+)/.exec(output);
    if (match) resolve(match[1]);
  });
  child.on('exit', (code) => fail(`Kirjuri exited with ${code} before listening:\n${output}`));
});
clearTimeout(timer);

const ca = readFileSync(join(dataDir, 'data', 'certs', 'server.crt'), 'utf8');
const body = await new Promise<string>((resolve, reject) => {
  get(`${url}/api/v1/health`, { ca }, (res) => {
    let text = '';
    res.on('data', (c: Uint8Array) => { text += new TextDecoder().decode(c); });
    res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}: ${text}`))));
  }).on('error', reject);
}).catch((error: Error) => fail(`GET /api/v1/health failed: ${error.message}`));
const health = JSON.parse(body) as { status: string };
if (health.status !== 'ok') fail(`unexpected health answer ${body}`);

child.removeAllListeners('exit');
const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
  child.on('exit', (code, signal) => resolve({ code, signal }));
  // Not child.kill(): under Deno 2.9 a child killed that way always reports (null, 'SIGTERM'), even when
  // it caught the signal and exited 0; a plain kill lets the real exit code through.
  process.kill(child.pid!, 'SIGTERM');
});
rmSync(dataDir, { recursive: true, force: true });
if (exit.code !== 0) fail(`Kirjuri exited with ${exit.code} (signal ${exit.signal}) after SIGTERM`);
console.log(`deno smoke: ok (${url}/api/v1/health answered ${body} under Deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno?.version.deno ?? '?'})`);
