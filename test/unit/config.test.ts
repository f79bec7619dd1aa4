import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../core/config/index.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';

const temp = mkdtempSync(join(tmpdir(), 'kirjuri-config-'));
const file = (name: string, text: string): string => {
  const path = join(temp, name);
  writeFileSync(path, text);
  return path;
};
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig()', () => {
  it('loadConfig() returns the documented defaults, with paths made absolute, when nothing overrides them', () => {
    const config = loadConfig({ env: {}, cwd: '/srv/kirjuri' });
    expect(config.server.port).to.equal(8443);
    expect(config.server.tls).to.equal(true);
    expect(config.database.url).to.equal(null);
    expect(config.dataDir).to.equal('/srv/kirjuri/data');
    expect(config.keys.masterKeyFile).to.equal('/srv/kirjuri/data-keys/master.key');
  });

  it('loadConfig() returns a deeply frozen object', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.server)).to.equal(true);
    expect(() => { (config.server as { port: number }).port = 1; }).to.throw(TypeError);
  });

  it('loadConfig() lets the KIRJURI_CONFIG file override defaults and the environment override both', () => {
    const path = file('override.json', JSON.stringify({ '//': 'comment', server: { port: 9000, host: '127.0.0.1' }, log: { level: 'warn' } }));
    const config = loadConfig({ env: { KIRJURI_CONFIG: path, KIRJURI_PORT: '9100', KIRJURI_TLS: 'false', KIRJURI_BACKUP_RECIPIENTS: 'age1abc, age1def' } });
    expect(config.server.port).to.equal(9100);
    expect(config.server.host).to.equal('127.0.0.1');
    expect(config.server.tls).to.equal(false);
    expect(config.log.level).to.equal('warn');
    expect(config.backup.recipients).to.deep.equal(['age1abc', 'age1def']);
    expect(config.server.jsonLimit).to.equal('1mb');
  });

  it('loadConfig() names each bad key and why in one error', () => {
    const path = file('bad.json', JSON.stringify({ server: { port: 'eighty', prot: 1 }, database: { url: 'mysql://x' } }));
    const problems = problemsOf(() => loadConfig({ env: { KIRJURI_CONFIG: path, KIRJURI_LOG_LEVEL: 'loud' } }));
    expect(problems.join('\n')).to.match(/server\.port: .*number/i);
    expect(problems.join('\n')).to.match(/server\.prot: is not a known setting/);
    expect(problems.join('\n')).to.match(/database\.url: must be a postgres:\/\/ URL/);
    expect(problems.join('\n')).to.match(/log\.level \(from KIRJURI_LOG_LEVEL\)/);
    expect(problems).to.have.length(4);
  });

  it('loadConfig() refuses a KIRJURI_CONFIG file that is not JSON, saying which file', () => {
    const path = file('corrupt.json', '{ "server": { "port": 80, }');
    const problems = problemsOf(() => loadConfig({ env: { KIRJURI_CONFIG: path } }));
    expect(problems[0]).to.contain(path).and.to.contain('is not valid JSON');
  });

  it('loadConfig() refuses a KIRJURI_CONFIG file that does not exist', () => {
    const problems = problemsOf(() => loadConfig({ env: { KIRJURI_CONFIG: join(temp, 'missing.json') } }));
    expect(problems[0]).to.contain('could not be read (ENOENT)');
  });

  it('loadConfig() refuses an unknown KIRJURI_* variable, catching typos', () => {
    const problems = problemsOf(() => loadConfig({ env: { KIRJURI_PROT: '1' } }));
    expect(problems[0]).to.match(/^KIRJURI_PROT: is not a Kirjuri environment variable/);
  });

  it('loadConfig() refuses a port out of range and a non-boolean KIRJURI_TLS', () => {
    const problems = problemsOf(() => loadConfig({ env: { KIRJURI_PORT: '70000', KIRJURI_TLS: 'maybe' } }));
    expect(problems.join('\n')).to.contain('server.port (from KIRJURI_PORT)').and.to.contain('server.tls (from KIRJURI_TLS)');
  });

  it('loadConfig() requires certFile and keyFile together', () => {
    const problems = problemsOf(() => loadConfig({ env: {}, overrides: { server: { certFile: '/x.crt' } } }));
    expect(problems.join('\n')).to.contain('certFile and keyFile must be set together');
  });

  it('loadConfig() keeps blobs in the local store under the data directory by default', () => {
    const config = loadConfig({ env: {}, cwd: '/srv/kirjuri' });
    expect(config.files).to.deep.equal({
      store: 'local',
      localDir: null,
      maxFileBytes: 200 * 1024 * 1024,
      maxTenantBytes: 50 * 1024 ** 3,
      s3: { endpoint: null, region: 'us-east-1', bucket: null, prefix: '', accessKeyId: null, secretAccessKey: null, forcePathStyle: false },
    });
  });

  it('loadConfig() reads the blob store settings from KIRJURI_FILES_* and KIRJURI_S3_*, and makes files.localDir absolute', () => {
    const config = loadConfig({
      cwd: '/srv/kirjuri',
      env: {
        KIRJURI_FILES_STORE: 's3', KIRJURI_FILES_LOCAL_DIR: 'blob-disk', KIRJURI_S3_ENDPOINT: 'https://s3.example:9000', KIRJURI_S3_REGION: 'eu-north-1',
        KIRJURI_S3_BUCKET: 'kirjuri-blobs', KIRJURI_S3_PREFIX: 'prod/kirjuri/', KIRJURI_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', KIRJURI_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI', KIRJURI_S3_FORCE_PATH_STYLE: 'true',
      },
    });
    expect(config.files).to.deep.equal({
      store: 's3',
      localDir: '/srv/kirjuri/blob-disk',
      maxFileBytes: 200 * 1024 * 1024,
      maxTenantBytes: 50 * 1024 ** 3,
      s3: { endpoint: 'https://s3.example:9000', region: 'eu-north-1', bucket: 'kirjuri-blobs', prefix: 'prod/kirjuri/', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI', forcePathStyle: true },
    });
  });

  it('loadConfig() refuses bad blob store settings, naming each key and the variable it came from', () => {
    const problems = problemsOf(() => loadConfig({
      env: { KIRJURI_FILES_STORE: 'ftp', KIRJURI_S3_ENDPOINT: 'not a url', KIRJURI_S3_BUCKET: 'Bad_Bucket', KIRJURI_S3_PREFIX: 'no-slash', KIRJURI_S3_FORCE_PATH_STYLE: 'maybe' },
    })).join('\n');
    expect(problems).to.match(/^files\.store \(from KIRJURI_FILES_STORE\): .*"local".*"s3"/m);
    expect(problems).to.match(/^files\.s3\.endpoint \(from KIRJURI_S3_ENDPOINT\): /m);
    expect(problems).to.match(/^files\.s3\.bucket \(from KIRJURI_S3_BUCKET\): must be an S3 bucket name/m);
    expect(problems).to.match(/^files\.s3\.prefix \(from KIRJURI_S3_PREFIX\): must be empty or segments .* ending in "\/"/m);
    expect(problems).to.match(/^files\.s3\.forcePathStyle \(from KIRJURI_S3_FORCE_PATH_STYLE\): /m);
  });

  it('loadConfig() requires a bucket for the S3 store, and the access key id and secret together', () => {
    expect(problemsOf(() => loadConfig({ env: { KIRJURI_FILES_STORE: 's3' } }))).to.deep.equal(['files.s3.bucket: must be set when files.store is "s3".']);
    const problems = problemsOf(() => loadConfig({ env: { KIRJURI_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE' } }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^files\.s3\.secretAccessKey: accessKeyId and secretAccessKey must be set together/);
  });

});

describe('createLogger()', () => {
  it('createLogger() never writes the S3 secret, wherever a logged object carries it', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const log = createLogger('info', sink);
    log.info({ secretAccessKey: 'top', s3: { secretAccessKey: 'one' }, files: { s3: { secretAccessKey: 'two' } }, config: { files: { s3: { secretAccessKey: 'three' } } } }, 'settings');
    expect(lines.join('')).not.to.match(/top|one|two|three/);
    expect(lines.join('')).to.contain('[redacted]');
  });
});
