import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkNewPassword, commonPasswordList } from '../../core/identity/password-policy.ts';
import { packageRoot } from '../../core/kernel/install-paths.ts';

const listFile = join(packageRoot, 'core', 'identity', 'common-passwords.txt');

describe('checkNewPassword()', () => {
  it('checkNewPassword() accepts 12 to 128 characters without composition rules', () => {
    expect(checkNewPassword('twelve chars')).to.equal(null);
    expect(checkNewPassword('all lower case words only')).to.equal(null);
    expect(checkNewPassword('ÄÖÅ 🔑 ½ ∑ 漢字 ok')).to.equal(null);
    expect(checkNewPassword('b'.repeat(128))).to.equal(null);
  });

  it('checkNewPassword() refuses 11 characters and accepts 12', () => {
    expect(checkNewPassword('elevenchars')).to.equal('must be at least 12 characters long (this one has 11); a few unrelated words make a strong one');
    expect(checkNewPassword('elevenchars!')).to.equal(null);
    expect(checkNewPassword('')).to.match(/^must be at least 12 characters long \(this one has 0\)/);
  });

  it('checkNewPassword() accepts 128 characters and refuses 129, without cutting anything off', () => {
    expect(checkNewPassword('b'.repeat(128))).to.equal(null);
    expect(checkNewPassword('b'.repeat(129))).to.equal('must be at most 128 characters long');
    expect(checkNewPassword('b'.repeat(10_000))).to.equal('must be at most 128 characters long');
  });

  it('checkNewPassword() counts characters, not UTF-16 units: an emoji counts once', () => {
    expect('🔑'.repeat(11)).to.have.length(22);
    expect(checkNewPassword('🔑'.repeat(11))).to.match(/at least 12 characters long \(this one has 11\)/);
    expect(checkNewPassword('🔑'.repeat(12))).to.equal(null);
    expect(checkNewPassword('🔑'.repeat(128))).to.equal(null);
    expect(checkNewPassword('🔑'.repeat(129))).to.equal('must be at most 128 characters long');
  });

  it('checkNewPassword() counts an accented letter once when it is typed as e + combining accent (NFC)', () => {
    const decomposed = 'e\u0301';
    expect(checkNewPassword(decomposed.repeat(11))).to.match(/this one has 11\)/);
    expect(checkNewPassword(decomposed.repeat(12))).to.equal(null);
    expect(checkNewPassword(decomposed.repeat(128))).to.equal(null);
  });

  it('checkNewPassword() refuses a password on the shipped common-password list, whatever its case', () => {
    const refusal = 'is on the list of commonly used passwords that attackers try first; choose another';
    for (const common of ['password1234', 'PASSWORD1234', 'Qwerty123456', '1qaz2wsx3edc', 'LeaveMeAlone']) {
      expect(checkNewPassword(common), common).to.equal(refusal);
    }
  });

  it('checkNewPassword() refuses a common password shorter than 12 characters for its length first', () => {
    expect(checkNewPassword('password')).to.match(/^must be at least 12 characters long/);
  });

  it('checkNewPassword() refuses the person\'s own email, its local part, or their name, whatever the case', () => {
    const refusal = 'must not be your email address or name';
    expect(checkNewPassword('maija.meikalainen@example.com', { email: 'Maija.Meikalainen@example.com' })).to.equal(refusal);
    expect(checkNewPassword('MAIJA.MEIKALAINEN', { email: 'maija.meikalainen@example.com' })).to.equal(refusal);
    expect(checkNewPassword('Maija Meikäläinen', { name: 'maija meikäläinen' })).to.equal(refusal);
    expect(checkNewPassword('Maija Meikäläinen', { email: 'someone.else@example.com', name: ' Maija Meikäläinen ' })).to.equal(refusal);
  });

  it('checkNewPassword() refuses the person\'s name when the name is stored in another Unicode normal form', () => {
    expect(checkNewPassword('Maija Meikäläinen'.normalize('NFC'), { name: 'Maija Meikäläinen'.normalize('NFD') })).to.equal('must not be your email address or name');
    expect(checkNewPassword('Maija Meikäläinen'.normalize('NFD'), { name: 'Maija Meikäläinen'.normalize('NFC') })).to.equal('must not be your email address or name');
  });

  it('checkNewPassword() accepts a password that only contains the email or name, and an empty context', () => {
    expect(checkNewPassword('maija.meikalainen on the roof', { email: 'maija.meikalainen@example.com', name: 'Maija Meikäläinen' })).to.equal(null);
    expect(checkNewPassword('maija.meikalainen', { email: '', name: '' })).to.equal(null);
    expect(checkNewPassword('maija.meikalainen', {})).to.equal(null);
  });

  it('checkNewPassword() refuses a password that is not a string instead of throwing', () => {
    expect(checkNewPassword(undefined as unknown as string)).to.equal('must be text');
  });
});

describe('commonPasswordList()', () => {
  it('commonPasswordList() reads the shipped file once and keeps the same set afterwards', () => {
    const list = commonPasswordList();
    expect(list.size).to.be.greaterThan(10_000);
    expect(commonPasswordList()).to.equal(list);
    expect(list.has('password1234')).to.equal(true);
    expect([...list].some((entry) => entry.startsWith('#'))).to.equal(false);
  });

  it('common-passwords.txt names its source and licence, and holds unique lower-case entries of 8 or more characters', () => {
    const lines = readFileSync(listFile, 'utf8').split('\n');
    const header = lines.filter((line) => line.startsWith('#')).join('\n');
    expect(header).to.contain('zxcvbn 4.4.2').and.to.contain('MIT').and.to.contain('Permission is hereby granted');
    const entries = lines.filter((line) => line && !line.startsWith('#'));
    expect(entries).to.have.length(commonPasswordList().size);
    expect(new Set(entries).size).to.equal(entries.length);
    expect(entries.filter((entry) => entry !== entry.toLowerCase() || entry !== entry.trim() || [...entry].length < 8)).to.deep.equal([]);
  });
});
