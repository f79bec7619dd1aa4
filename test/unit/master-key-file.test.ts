import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { KirjuriConfig } from '../../core/config/config-schema.ts';
import { KeyringError } from '../../core/crypto/keyring-error.ts';
import { createMasterKeyFile, formatMasterKeyFile, parseEnvironmentMasterKey, parseMasterKeyText, readMasterKeyFile } from '../../core/crypto/master-key-file.ts';
import { loadMasterKeys } from '../../core/crypto/master-keys.ts';
import { newSecretKey } from '../../core/crypto/key-wrapping.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const keyText = (): string => randomBytes(32).toString('base64');
const keysConfig = (overrides: Partial<KirjuriConfig['keys']>): KirjuriConfig['keys'] => ({ masterKey: null, masterKeyFile: '/nonexistent', rewrapBatchSize: 500, ...overrides });

/** A logger whose lines the test can read. */
function capturedLog(): { log: ReturnType<typeof createLogger>; lines: () => Array<{ level: number; msg: string }> } {
  const written: string[] = [];
  return { log: createLogger('info', { write: (line: string) => { written.push(line); } }), lines: () => written.map((line) => JSON.parse(line)) };
}

describe('the master key file', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kirjuri-master-key-'));
    dataDir = join(dir, 'data');
    mkdirSync(dataDir);
  });

  it('parseMasterKeyText() reads one version a line, skipping comments and blank lines, versions in any order and with gaps', () => {
    const [one, three] = [keyText(), keyText()];
    const versions = parseMasterKeyText(`# comment\n\nkirjuri-master-key v3 ${three}\r\n  kirjuri-master-key v1 ${one}  \n`, 'The file');
    expect([...versions.keys()]).to.deep.equal([3, 1]);
    expect(versions.get(1)!.export().toString('base64')).to.equal(one);
    expect(versions.get(3)!.export().toString('base64')).to.equal(three);
  });

  it('parseMasterKeyText() refuses a damaged file with a sentence naming the line, never quoting it', () => {
    const good = keyText();
    const damaged = [
      [`kirjuri-master-key v1 ${good.slice(0, -2)}=`, /line 1 is not/],
      [`kirjuri-master-key v1 ${good}\nkirjuri-master-key v2 ${good.slice(1)}A`, /line 2 is not/],
      [`kirjuri-master-key 1 ${good}`, /line 1 is not/],
      [`kirjuri-master-key v0 ${good}`, /line 1 is not/],
      [`kirjuri-master-key v1 ${good} extra`, /line 1 is not/],
      [`kirjuri-master-key v1 ${good}\nkirjuri-master-key v1 ${keyText()}`, /version 1 twice/],
      ['# only a comment\n', /holds no key/],
      ['', /holds no key/],
    ] as const;
    for (const [text, message] of damaged) {
      let error: unknown;
      try {
        parseMasterKeyText(text, 'The master key file /x');
      } catch (caught) {
        error = caught;
      }
      expect(error, text).to.be.instanceOf(KeyringError);
      expect((error as Error).message).to.match(message).and.to.match(/^The master key file \/x /).and.not.to.contain(good.slice(0, 20));
    }
    // Not canonical base64: the last character's spare bits set (it would decode to the same 32 bytes).
    const canonical = Buffer.alloc(32, 7).toString('base64');
    const sloppy = `${canonical.slice(0, 42)}${String.fromCharCode(canonical.charCodeAt(42) + 1)}=`;
    expect(Buffer.from(sloppy, 'base64').equals(Buffer.alloc(32, 7))).to.equal(true);
    expect(() => parseMasterKeyText(`kirjuri-master-key v1 ${sloppy}`, 'The file')).to.throw(KeyringError, /line 1 is not/);
  });

  it('formatMasterKeyFile() writes what parseMasterKeyText() reads back, lowest version first, after a comment that says what the file is', () => {
    const versions = new Map([[2, newSecretKey()], [1, newSecretKey()]]);
    const text = formatMasterKeyFile(versions);
    expect(text).to.match(/^# Kirjuri master key file/).and.to.contain('back it up separately');
    expect(text.split('\n').filter((line) => line.startsWith('kirjuri-master-key')).map((line) => line.split(' ')[1])).to.deep.equal(['v1', 'v2']);
    const read = parseMasterKeyText(text, 'The file');
    for (const [version, key] of versions) expect(read.get(version)!.equals(key)).to.equal(true);
  });

  it('parseEnvironmentMasterKey() takes a bare base64 key as version 1, or a key file\'s text, and refuses anything else', () => {
    const bare = keyText();
    expect([...parseEnvironmentMasterKey(` ${bare}\n`).keys()]).to.deep.equal([1]);
    expect([...parseEnvironmentMasterKey(`kirjuri-master-key v4 ${bare}`).keys()]).to.deep.equal([4]);
    expect(() => parseEnvironmentMasterKey('hunter2')).to.throw(KeyringError, /base64 of 32 random bytes/);
    expect(() => parseEnvironmentMasterKey(randomBytes(16).toString('base64'))).to.throw(KeyringError, /KIRJURI_MASTER_KEY/);
  });

  it('loadMasterKeys() makes the key file on first start, mode 0600 in a folder 0700, with a loud warning to back it up', async () => {
    const file = join(dir, 'keys', 'master.key');
    const { log, lines } = capturedLog();
    const { keys, created } = await loadMasterKeys({ keys: keysConfig({ masterKeyFile: file }), dataDir, log, mayCreate: true });
    expect(created).to.equal(true);
    expect(keys.versions).to.deep.equal([1]);
    expect(keys.source).to.equal('file');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).to.equal(0o700);
    expect(readdirSync(join(dir, 'keys'))).to.deep.equal(['master.key']);
    const warning = lines().find((line) => line.level === 40)!;
    expect(warning.msg).to.contain('BACK IT UP NOW').and.to.contain('not in the data directory or in any backup').and.not.to.contain(keys.key(1)!.export().toString('base64'));
    const again = await loadMasterKeys({ keys: keysConfig({ masterKeyFile: file }), dataDir, log, mayCreate: true });
    expect(again.created).to.equal(false);
    expect(again.keys.key(1)!.equals(keys.key(1)!)).to.equal(true);
  });

  it('loadMasterKeys() refuses a key file inside the data directory, also through a symbolic link', async () => {
    const { log } = capturedLog();
    for (const file of [join(dataDir, 'master.key'), join(dataDir, 'keys', 'deep', 'master.key')]) {
      const error = await rejectionOf(loadMasterKeys({ keys: keysConfig({ masterKeyFile: file }), dataDir, log, mayCreate: true }));
      expect(error).to.be.instanceOf(KeyringError);
      expect(error.message).to.contain('is inside the data directory');
    }
    symlinkSync(dataDir, join(dir, 'looks-outside'));
    expect((await rejectionOf(loadMasterKeys({ keys: keysConfig({ masterKeyFile: join(dir, 'looks-outside', 'master.key') }), dataDir, log, mayCreate: true }))).message).to.contain('is inside the data directory');
    expect(readdirSync(dataDir)).to.deep.equal([]);
  });

  it('loadMasterKeys() refuses a damaged key file and does not replace it', async () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, 'kirjuri-master-key v1 not-a-key\n', { mode: 0o600 });
    const error = await rejectionOf(loadMasterKeys({ keys: keysConfig({ masterKeyFile: file }), dataDir, log: capturedLog().log, mayCreate: true }));
    expect(error.message).to.equal(`The master key file ${file} is damaged: line 1 is not a comment or "kirjuri-master-key v<N> <base64 of 32 bytes>". Restore it from its backup; do not edit it by hand.`);
    expect(readFileSync(file, 'utf8')).to.equal('kirjuri-master-key v1 not-a-key\n');
  });

  it('loadMasterKeys() does not make a new key file when tenant keys exist, and says to restore the real one', async () => {
    const file = join(dir, 'keys', 'master.key');
    const error = await rejectionOf(loadMasterKeys({ keys: keysConfig({ masterKeyFile: file }), dataDir, log: capturedLog().log, mayCreate: false }));
    expect(error.message).to.contain(`The master key file ${file} does not exist`).and.to.contain('restore the key file from its backup');
    expect(await readMasterKeyFile(file)).to.equal(null);
  });

  it('loadMasterKeys() takes KIRJURI_MASTER_KEY over the file, and warns when the file may be read by others', async () => {
    const { log, lines } = capturedLog();
    const fromEnvironment = await loadMasterKeys({ keys: keysConfig({ masterKey: keyText(), masterKeyFile: join(dataDir, 'ignored.key') }), dataDir, log, mayCreate: true });
    expect(fromEnvironment.keys.source).to.equal('environment');
    expect(fromEnvironment.keys.file).to.equal(null);
    const file = join(dir, 'open.key');
    writeFileSync(file, `kirjuri-master-key v1 ${keyText()}\n`, { mode: 0o644 });
    await loadMasterKeys({ keys: keysConfig({ masterKeyFile: file }), dataDir, log, mayCreate: true });
    expect(lines().some((line) => line.level === 40 && /chmod 600/.test(line.msg))).to.equal(true);
  });

  it('createMasterKeyFile() never replaces a key file another process made first', async () => {
    const file = join(dir, 'keys', 'master.key');
    const first = new Map([[1, newSecretKey()]]);
    expect(await createMasterKeyFile(file, first)).to.equal(true);
    expect(await createMasterKeyFile(file, new Map([[1, newSecretKey()]]))).to.equal(false);
    expect((await readMasterKeyFile(file))!.get(1)!.equals(first.get(1)!)).to.equal(true);
    expect(readdirSync(join(dir, 'keys'))).to.deep.equal(['master.key']);
  });
});
