import { expect } from 'chai';
import { PasswordHasher, defaultScryptParameters } from '../../core/identity/password-hasher.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const cheap = { logN: 10, r: 8, p: 1 };

describe('PasswordHasher', () => {
  it('hash() makes a $scrypt$ PHC string with a fresh salt each time, and verify() accepts only the same password', async () => {
    const hasher = new PasswordHasher(cheap);
    const one = await hasher.hash('correct horse battery staple');
    const two = await hasher.hash('correct horse battery staple');
    expect(one).to.match(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(one).not.to.equal(two);
    expect(await hasher.verify('correct horse battery staple', one)).to.deep.equal({ ok: true, needsRehash: false });
    expect((await hasher.verify('correct horse battery stapler', one)).ok).to.equal(false);
    expect((await hasher.verify('', one)).ok).to.equal(false);
  });

  it('hash() with the default parameters (N=2^17, r=8, p=1) works within its memory limit', async function () {
    this.timeout(20_000);
    const hasher = new PasswordHasher();
    expect(hasher.parameters).to.deep.equal({ logN: 17, r: 8, p: 1 });
    const stored = await hasher.hash('a long and unusual passphrase');
    expect(stored).to.match(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect((await hasher.verify('a long and unusual passphrase', stored)).ok).to.equal(true);
  });

  it('verify() asks for a re-hash when the stored parameters are weaker than today\'s', async () => {
    const old = await new PasswordHasher({ logN: 9, r: 8, p: 1 }).hash('correct horse battery staple');
    expect(await new PasswordHasher(cheap).verify('correct horse battery staple', old)).to.deep.equal({ ok: true, needsRehash: true });
  });

  it('verify() matches a password typed in another Unicode normal form (NFC)', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash('kääntöpöytä ja lämpömittari');
    expect((await hasher.verify('kääntöpöytä ja lämpömittari'.normalize('NFD'), stored)).ok).to.equal(true);
  });

  it('verify() never truncates: a password that differs only after 72 characters does not match', async () => {
    const hasher = new PasswordHasher(cheap);
    const long = 'x'.repeat(100);
    const stored = await hasher.hash(long);
    expect((await hasher.verify(`${'x'.repeat(99)}y`, stored)).ok).to.equal(false);
  });

  it('verify() refuses a malformed or damaged stored hash with a sentence', async () => {
    const hasher = new PasswordHasher(cheap);
    expect((await rejectionOf(hasher.verify('x', 'plaintext'))).message).to.contain('is not a $scrypt$ PHC string');
    expect((await rejectionOf(hasher.verify('x', '$scrypt$ln=10,r=8,p=1$AAAA$AAAA'))).message).to.contain('is damaged');
  });

  it('dummyVerify() runs scrypt with the same parameters as a real verification', async () => {
    const hasher = new PasswordHasher(cheap);
    // The cost is in the parameters: a hasher with 2^4 times the work takes clearly longer for the dummy too.
    const slow = new PasswordHasher({ logN: 14, r: 8, p: 1 });
    const fastStart = process.hrtime.bigint();
    await hasher.dummyVerify('anything at all here');
    const fastNs = Number(process.hrtime.bigint() - fastStart);
    const slowStart = process.hrtime.bigint();
    await slow.dummyVerify('anything at all here');
    const slowNs = Number(process.hrtime.bigint() - slowStart);
    expect(slowNs).to.be.greaterThan(fastNs * 4);
  });

  it('runs at most 4 hashes at once, the rest wait their turn', async () => {
    const hasher = new PasswordHasher({ logN: 12, r: 8, p: 1 });
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => hasher.hash(`password number ${i} here`)));
    expect(hasher.load).to.deep.equal({ running: 4, waiting: 6 });
    let most = 0;
    let finished = false;
    void all.then(() => { finished = true; });
    while (!finished) {
      most = Math.max(most, hasher.load.running);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await all).length).to.equal(10);
    expect(most).to.equal(4);
    expect(hasher.load).to.deep.equal({ running: 0, waiting: 0 });
  });

  it('defaults are SECURITY.md\'s', () => {
    expect(defaultScryptParameters).to.deep.equal({ logN: 17, r: 8, p: 1 });
  });
});
