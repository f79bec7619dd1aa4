import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { packageRoot } from '../../core/kernel/install-paths.ts';
import { freePort, startServe } from '../helpers/serve-process.ts';

const bin = join(packageRoot, 'bin', 'kirjuri.js');

/** Environment for a CLI run on its own temp dirs, without the developer's KIRJURI_* variables. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'kirjuri-cli-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KIRJURI_')) env[k] = v;
  return { ...env, KIRJURI_DATA_DIR: join(dir, 'data'), KIRJURI_MASTER_KEY_FILE: join(dir, 'keys', 'master.key'), KIRJURI_HOST: '127.0.0.1', KIRJURI_LOG_LEVEL: 'warn', ...extra };
}

const runCli = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 30_000 });

const exitOf = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.on('exit', (code) => resolve(code)));

describe('kirjuri serve', function () {
  this.timeout(60_000);

  it('kirjuri serve prints the HTTPS URL, answers health over TLS with its generated certificate, and exits 0 on SIGTERM', async () => {
    const env = cliEnv({ KIRJURI_PORT: String(await freePort()) });
    const { child, url } = await startServe(env);
    try {
      expect(url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(join(env.KIRJURI_DATA_DIR!, 'certs', 'server.crt'), 'utf8');
      const body = await new Promise<string>((resolve, reject) => {
        get(`${url}/api/v1/health`, { ca }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => { text += c.toString(); });
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(JSON.parse(body).status).to.equal('ok');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exitOf(child)).to.equal(0);
  });

  it('kirjuri serve exits 78 naming the bad key when the configuration is invalid', () => {
    const result = runCli(['serve'], cliEnv({ KIRJURI_PORT: 'eighty' }));
    expect(result.status).to.equal(78);
    expect(result.stderr).to.contain('server.port (from KIRJURI_PORT)');
  });

  it('kirjuri serve exits 78 when the KIRJURI_CONFIG file is corrupt', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kirjuri-cfg-')), 'config.json');
    writeFileSync(file, '{"server": ');
    const result = runCli(['serve'], cliEnv({ KIRJURI_CONFIG: file }));
    expect(result.status).to.equal(78);
    expect(result.stderr).to.contain('is not valid JSON');
  });

  it('kirjuri serve exits 1 with a clear message when the port is in use', async () => {
    const blocker: Server = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => resolve(s)); });
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = runCli(['serve'], cliEnv({ KIRJURI_PORT: String(port), KIRJURI_TLS: 'false' }));
      expect(result.status).to.equal(1);
      expect(result.stderr).to.contain(`Port ${port}`).and.to.contain('already in use');
    } finally {
      blocker.close();
    }
  });

  it('kirjuri serve exits 1 with a clear message when the data directory cannot be used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-blocked-'));
    writeFileSync(join(dir, 'data'), 'a file where the data directory should be');
    const result = runCli(['serve'], cliEnv({ KIRJURI_DATA_DIR: join(dir, 'data'), KIRJURI_TLS: 'false' }));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain(`The data directory ${join(dir, 'data')}`).and.to.contain('cannot be used');
  });

  it('kirjuri --help and serve --help describe the commands and exit 0; an unknown command exits 2', () => {
    const help = runCli(['--help'], cliEnv());
    expect(help.status).to.equal(0);
    expect(help.stdout).to.contain('serve');
    const serveHelp = runCli(['serve', '--help'], cliEnv());
    expect(serveHelp.status).to.equal(0);
    expect(serveHelp.stdout).to.contain('--port');
    const unknown = runCli(['frobnicate'], cliEnv());
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.contain("unknown command 'frobnicate'");
  });
});
