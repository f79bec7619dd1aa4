import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { expect } from 'chai';
import { loadConfig, type ConfigOverrides } from '../../core/config/index.ts';
import { ensureServerCertificate } from '../../core/crypto/self-signed-certificate.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { startServer, type RunningServer } from '../../core/http/start-server.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const log = createLogger('silent');
const answer = (_request: http.IncomingMessage, response: http.ServerResponse): void => {
  response.setHeader('Content-Type', 'application/json');
  response.end('{"status":"ok"}');
};

function configWith(server: ConfigOverrides['server'], dataDir = mkdtempSync(join(tmpdir(), 'kirjuri-tls-'))) {
  return loadConfig({ env: {}, overrides: { dataDir, server: { host: '127.0.0.1', port: 0, tls: true, ...server } } });
}

/** GETs `url` trusting only `ca`, and resolves with the status, headers and body. */
function fetchOverTls(url: string, ca: string, extra: https.RequestOptions = {}): Promise<{ status: number; body: string; fingerprint256: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, ...extra }, (res) => {
      const { fingerprint256 } = (res.socket as tls.TLSSocket).getPeerCertificate();
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, body, fingerprint256 }));
    }).on('error', reject);
  });
}

describe('HTTPS server', function () {
  this.timeout(30_000);
  let running: RunningServer | undefined;
  afterEach(async () => { await running?.close(); running = undefined; });

  it('generates a self-signed RSA certificate for localhost, 127.0.0.1 and the host, stores it with a 0600 key and serves it', async () => {
    const config = configWith({ certHostnames: ['kirjuri.example.test'] });
    running = await startServer({ handler: answer, config, log });
    const cert = readFileSync(join(config.dataDir, 'certs', 'server.crt'), 'utf8');
    const x509 = new X509Certificate(cert);
    expect(x509.subjectAltName).to.contain('DNS:localhost').and.to.contain('IP Address:127.0.0.1').and.to.contain('DNS:kirjuri.example.test');
    expect(x509.publicKey.asymmetricKeyType).to.equal('rsa');
    expect(x509.publicKey.asymmetricKeyDetails!.modulusLength).to.be.at.least(2048);
    expect(statSync(join(config.dataDir, 'certs', 'server.key')).mode & 0o777).to.equal(0o600);
    const { status, body, fingerprint256 } = await fetchOverTls(`${running.url}/`, cert);
    expect(status).to.equal(200);
    expect(JSON.parse(body)).to.deep.equal({ status: 'ok' });
    expect(fingerprint256).to.equal(x509.fingerprint256);
    // The same certificate verifies for the name localhost too.
    expect((await fetchOverTls(`https://localhost:${running.port}/`, cert)).status).to.equal(200);
  });

  it('reuses the stored certificate on the next start, and makes a new one when a required name is missing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kirjuri-tls-'));
    const first = await ensureServerCertificate({ dataDir, host: '127.0.0.1', extraHostnames: [], log });
    const second = await ensureServerCertificate({ dataDir, host: '127.0.0.1', extraHostnames: [], log });
    expect(first.created).to.equal(true);
    expect(second.created).to.equal(false);
    expect(second.cert).to.equal(first.cert);
    const widened = await ensureServerCertificate({ dataDir, host: '127.0.0.1', extraHostnames: ['field.example.test'], log });
    expect(widened.created).to.equal(true);
    expect(new X509Certificate(widened.cert).subjectAltName).to.contain('DNS:field.example.test');
  });

  it('refuses TLS 1.1 and accepts TLS 1.2 and 1.3', async () => {
    const config = configWith({});
    running = await startServer({ handler: answer, config, log });
    const ca = readFileSync(join(config.dataDir, 'certs', 'server.crt'), 'utf8');
    const handshake = (options: tls.ConnectionOptions): Promise<string> => new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: running!.port, ca, servername: 'localhost', ...options }, () => {
        const protocol = socket.getProtocol() ?? 'none';
        socket.end();
        resolve(protocol);
      });
      socket.on('error', reject);
    });
    expect(await handshake({ maxVersion: 'TLSv1.2' })).to.equal('TLSv1.2');
    expect(await handshake({})).to.equal('TLSv1.3');
    // OpenSSL 3 clients refuse TLS 1.1 at the default security level, so lower it on the client to ask for it at all.
    const error = await rejectionOf(handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }));
    expect((error as NodeJS.ErrnoException).code ?? error.message).to.match(/ERR_SSL|ECONNRESET|protocol|version/i);
  });

  it('serves a configured certificate and key pair instead of making one', async () => {
    const source = mkdtempSync(join(tmpdir(), 'kirjuri-own-cert-'));
    const made = await ensureServerCertificate({ dataDir: source, host: 'own.example.test', extraHostnames: [], log });
    const config = configWith({ certFile: made.certFile, keyFile: made.keyFile });
    running = await startServer({ handler: answer, config, log });
    const { status, fingerprint256 } = await fetchOverTls(`${running.url}/`, made.cert, { servername: 'own.example.test' });
    expect(status).to.equal(200);
    expect(fingerprint256).to.equal(new X509Certificate(made.cert).fingerprint256);
    expect(() => statSync(join(config.dataDir, 'certs', 'server.crt'))).to.throw();
  });

  it('refuses to start with a configured certificate and a key that does not belong to it, naming both files', async () => {
    const one = await ensureServerCertificate({ dataDir: mkdtempSync(join(tmpdir(), 'kirjuri-a-')), host: '127.0.0.1', extraHostnames: [], log });
    const other = await ensureServerCertificate({ dataDir: mkdtempSync(join(tmpdir(), 'kirjuri-b-')), host: '127.0.0.1', extraHostnames: [], log });
    const config = configWith({ certFile: one.certFile, keyFile: other.keyFile });
    const error = await rejectionOf(startServer({ handler: answer, config, log }));
    expect(error.message).to.contain(one.certFile).and.to.contain(other.keyFile).and.to.contain('do not belong together');
  });

  it('refuses a certificate file that is not PEM with a sentence naming the setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-bad-cert-'));
    const made = await ensureServerCertificate({ dataDir: dir, host: '127.0.0.1', extraHostnames: [], log });
    const bogus = join(dir, 'bogus.crt');
    writeFileSync(bogus, 'not a certificate');
    const error = await rejectionOf(startServer({ handler: answer, config: configWith({ certFile: bogus, keyFile: made.keyFile }), log }));
    expect(error.message).to.contain('server.certFile').and.to.contain('does not hold a PEM certificate');
  });

  it('answers the plain HTTP redirect port only with a 308 to the same path over HTTPS, without echoing a hostile Host', async () => {
    const config = configWith({ httpRedirectPort: 0 });
    running = await startServer({ handler: answer, config, log });
    expect(running.redirectPort).to.be.a('number');
    const get = (headers: http.OutgoingHttpHeaders): Promise<http.IncomingMessage> => new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: running!.redirectPort!, path: '/records/1?x=2', headers }, (res) => { res.resume(); resolve(res); }).on('error', reject);
    });
    const redirected = await get({ Host: `localhost:${running.redirectPort}` });
    expect(redirected.statusCode).to.equal(308);
    expect(redirected.headers.location).to.equal(`https://localhost:${running.port}/records/1?x=2`);
    const hostile = await get({ Host: 'evil.example"><script>' });
    expect(hostile.headers.location).to.equal(`https://localhost:${running.port}/records/1?x=2`);
  });

  it('redirects to server.publicUrl when it is set', async () => {
    const config = configWith({ httpRedirectPort: 0, publicUrl: 'https://kirjuri.example.test' });
    running = await startServer({ handler: answer, config, log });
    const location = await new Promise<string | undefined>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: running!.redirectPort!, path: '/a/b' }, (res) => { res.resume(); resolve(res.headers.location); }).on('error', reject);
    });
    expect(location).to.equal('https://kirjuri.example.test/a/b');
  });

  it('fails with a sentence naming the port when it is in use, also when only the redirect port is taken', async () => {
    const blocker: Server = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => resolve(s)); });
    const taken = (blocker.address() as { port: number }).port;
    try {
      const inUse = await rejectionOf(startServer({ handler: answer, config: configWith({ port: taken, tls: false }), log }));
      expect(inUse.message).to.equal(`Port ${taken} on 127.0.0.1 is already in use: stop what holds it or choose another port (KIRJURI_PORT or --port).`);
      const redirectTaken = await rejectionOf(startServer({ handler: answer, config: configWith({ httpRedirectPort: taken }), log }));
      expect(redirectTaken.message).to.contain(`Port ${taken}`);
    } finally {
      blocker.close();
    }
  });

  it('lets an open request finish on close, then stops accepting connections', async () => {
    let release!: () => void;
    const slow = (_request: http.IncomingMessage, response: http.ServerResponse): void => {
      release = () => response.end('done');
    };
    running = await startServer({ handler: slow, config: configWith({ tls: false }), log });
    const { port } = running;
    const pending = new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    while (!release) await new Promise((r) => setTimeout(r, 10));
    const closed = running.close();
    running = undefined;
    release();
    expect(await pending).to.equal('done');
    await closed;
    const refused = await rejectionOf(new Promise((resolve, reject) => { http.get({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject); }));
    expect((refused as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
  });
});
