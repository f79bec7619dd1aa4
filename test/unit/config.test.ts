import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../core/config/index.ts';

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
});
