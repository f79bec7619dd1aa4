import { expect } from 'chai';
import { scrypt, type ScryptOptions } from 'node:crypto';
import { PasswordHasher, defaultScryptParameters, type ScryptFunction, type ScryptParameters } from '../../core/identity/password-hasher.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

// ln=10 keeps each hash near 1 ms; one test below runs the real defaults once.
const cheap: ScryptParameters = { logN: 10, r: 8, p: 1 };
const password = 'correct horse battery staple';

/** The real scrypt, with every call's salt, key length and options written down. */
function watchedScrypt(): { scrypt: ScryptFunction; calls: Array<{ salt: Buffer; keyLength: number; options: ScryptOptions }> } {
  const calls: Array<{ salt: Buffer; keyLength: number; options: ScryptOptions }> = [];
  return {
    calls,
    scrypt: (text, salt, keyLength, options, callback) => {
      calls.push({ salt, keyLength, options: { ...options } });
      scrypt(text, salt, keyLength, options, callback);
    },
  };
}

/** A stand-in scrypt that holds every call until the test finishes it, so the queue can be watched step by step. */
function heldScrypt(): { scrypt: ScryptFunction; calls: Array<{ password: string; finish: (error?: Error) => void }>; most: () => number } {
  const calls: Array<{ password: string; finish: (error?: Error) => void }> = [];
  let running = 0;
  let most = 0;
  return {
    calls,
    most: () => most,
    scrypt: (text, _salt, keyLength, _options, callback) => {
      running += 1;
      most = Math.max(most, running);
      calls.push({ password: text, finish: (error) => { running -= 1; callback(error ?? null, Buffer.alloc(keyLength)); } });
    },
  };
}

/** Lets every queued promise continuation run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A PHC string made outside the hasher, for stored hashes it would not write itself. */
async function phc(parameters: ScryptParameters, salt: Buffer, keyLength: number, text = password): Promise<string> {
  const key = await new Promise<Buffer>((resolve, reject) => {
    scrypt(text, salt, keyLength, { N: 2 ** parameters.logN, r: parameters.r, p: parameters.p }, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
  const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${parameters.logN},r=${parameters.r},p=${parameters.p}$${b64(salt)}$${b64(key)}`;
}

describe('PasswordHasher', () => {
  it('defaultScryptParameters are SECURITY.md\'s N=2^17, r=8, p=1', () => {
    expect(defaultScryptParameters).to.deep.equal({ logN: 17, r: 8, p: 1 });
    expect(new PasswordHasher().parameters).to.deep.equal({ logN: 17, r: 8, p: 1 });
  });

  it('hash() makes a $scrypt$ PHC string with the parameters, a 16-byte salt and a 32-byte key, base64 without padding', async () => {
    const stored = await new PasswordHasher(cheap).hash(password);
    const match = /^\$scrypt\$ln=10,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
    expect(match, stored).to.not.equal(null);
    expect(Buffer.from(match![1]!, 'base64')).to.have.length(16);
    expect(Buffer.from(match![2]!, 'base64')).to.have.length(32);
    expect(match![1]).to.have.length(22);
    expect(match![2]).to.have.length(43);
  });

  it('hash() uses a fresh salt each time, so the same password never hashes the same', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await Promise.all([hasher.hash(password), hasher.hash(password), hasher.hash(password)]);
    const salts = stored.map((one) => one.split('$')[3]);
    expect(new Set(salts).size).to.equal(3);
    expect(new Set(stored).size).to.equal(3);
  });

  it('verify() accepts the password hash() was given, without asking for a re-hash', async () => {
    const hasher = new PasswordHasher(cheap);
    expect(await hasher.verify(password, await hasher.hash(password))).to.deep.equal({ ok: true, needsRehash: false });
  });

  it('verify() refuses a wrong password, one that differs only in case or by a space, and the empty one', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash(password);
    for (const wrong of ['correct horse battery stapler', 'Correct horse battery staple', `${password} `, '']) {
      expect(await hasher.verify(wrong, stored), JSON.stringify(wrong)).to.deep.equal({ ok: false, needsRehash: false });
    }
  });

  it('hash() with the default parameters (N=2^17, r=8, p=1) runs within the 256 MiB memory limit', async function () {
    this.timeout(30_000);
    const watched = watchedScrypt();
    const hasher = new PasswordHasher(undefined, { scrypt: watched.scrypt });
    const stored = await hasher.hash('a long and unusual passphrase');
    expect(stored).to.match(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(await hasher.verify('a long and unusual passphrase', stored)).to.deep.equal({ ok: true, needsRehash: false });
    expect(watched.calls.map((call) => call.options)).to.deep.equal(Array(2).fill({ N: 131072, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }));
  });

  it('verify() asks for a re-hash when the stored N, r or p is lower than today\'s, and still says whether it matched', async () => {
    const hasher = new PasswordHasher({ logN: 10, r: 8, p: 2 });
    for (const weaker of [{ logN: 9, r: 8, p: 2 }, { logN: 10, r: 7, p: 2 }, { logN: 10, r: 8, p: 1 }]) {
      const stored = await new PasswordHasher(weaker).hash(password);
      expect(await hasher.verify(password, stored), JSON.stringify(weaker)).to.deep.equal({ ok: true, needsRehash: true });
      expect(await hasher.verify('something else entirely', stored)).to.deep.equal({ ok: false, needsRehash: true });
    }
  });

  it('verify() does not ask for a re-hash when the stored parameters are higher than today\'s', async () => {
    const stored = await new PasswordHasher({ logN: 11, r: 9, p: 2 }).hash(password);
    expect(await new PasswordHasher(cheap).verify(password, stored)).to.deep.equal({ ok: true, needsRehash: false });
  });

  it('verify() asks for a re-hash when the stored salt or key is shorter than the 16 and 32 bytes hash() writes', async () => {
    const hasher = new PasswordHasher(cheap);
    expect(await hasher.verify(password, await phc(cheap, Buffer.alloc(8, 7), 32))).to.deep.equal({ ok: true, needsRehash: true });
    expect(await hasher.verify(password, await phc(cheap, Buffer.alloc(16, 7), 16))).to.deep.equal({ ok: true, needsRehash: true });
  });

  it('verify() matches a password typed in another Unicode normal form (é composed or e + accent)', async () => {
    const hasher = new PasswordHasher(cheap);
    const composed = 'kääntöpöytä ja lämpömittari é'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).to.not.equal(composed);
    expect((await hasher.verify(decomposed, await hasher.hash(composed))).ok).to.equal(true);
    expect((await hasher.verify(composed, await hasher.hash(decomposed))).ok).to.equal(true);
  });

  it('verify() never truncates: passwords of 1,000 characters that differ only in the last one do not match', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash(`${'x'.repeat(999)}a`);
    expect((await hasher.verify(`${'x'.repeat(999)}a`, stored)).ok).to.equal(true);
    expect((await hasher.verify(`${'x'.repeat(999)}b`, stored)).ok).to.equal(false);
  });

  it('verify() rejects a malformed or damaged stored hash with a sentence, before running scrypt', async () => {
    const watched = watchedScrypt();
    const hasher = new PasswordHasher(cheap, { scrypt: watched.scrypt });
    const good = await new PasswordHasher(cheap).hash(password);
    const [, , , salt, key] = good.split('$');
    const malformed = {
      empty: '',
      plaintext: 'hunter2',
      bcrypt: '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      argon2: '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
      'r=0': `$scrypt$ln=10,r=0,p=1$${salt}$${key}`,
      'p=0': `$scrypt$ln=10,r=8,p=0$${salt}$${key}`,
      'ln=0': `$scrypt$ln=0,r=8,p=1$${salt}$${key}`,
      'no salt': `$scrypt$ln=10,r=8,p=1$$${key}`,
      'padding': `${good}=`,
      'trailing newline': `${good}\n`,
      'not base64': `$scrypt$ln=10,r=8,p=1$${salt}$${key!.replace(/.$/, '-')}`,
    };
    for (const [name, stored] of Object.entries(malformed)) {
      const error = await rejectionOf(hasher.verify(password, stored));
      expect(error.message, name).to.equal('The stored password hash is not a $scrypt$ PHC string; reset this user\'s password.');
    }
    const damaged = {
      'short salt': [`$scrypt$ln=10,r=8,p=1$AAAA$${key}`, 'its salt is shorter than 8 bytes'],
      'short key': [`$scrypt$ln=10,r=8,p=1$${salt}$AAAAAAAA`, 'its key is shorter than 16 bytes'],
      'cut salt': [`$scrypt$ln=10,r=8,p=1$${salt!.slice(0, 21)}$${key}`, 'its salt is cut short in the middle of a base64 group'],
      'cut key': [`$scrypt$ln=10,r=8,p=1$${salt}$${key!.slice(0, 41)}`, 'its key is cut short in the middle of a base64 group'],
      'over maxmem': [`$scrypt$ln=20,r=8,p=1$${salt}$${key}`, 'ln=20,r=8,p=1 need more than the 256 MiB allowed'],
      'N out of range': [`$scrypt$ln=40,r=8,p=1$${salt}$${key}`, 'ln=40,r=8,p=1 need more than the 256 MiB allowed'],
      'N too big for r': [`$scrypt$ln=16,r=1,p=1$${salt}$${key}`, 'ln=16 must be below 16 r (r=1)'],
    };
    for (const [name, [stored, why]] of Object.entries(damaged)) {
      const error = await rejectionOf(hasher.verify(password, stored!));
      expect(error.message, name).to.equal(`The stored password hash is damaged (${why}); reset this user's password.`);
    }
    expect(watched.calls).to.have.length(0);
    expect(hasher.load).to.deep.equal({ running: 0, waiting: 0 });
  });

  it('hash(), verify() and dummyVerify() reject a password that is not a string with a sentence', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash(password);
    const sentence = 'A password must be text; send it as a JSON string or a form field.';
    expect((await rejectionOf(hasher.hash(12345678901234 as unknown as string))).message).to.equal(sentence);
    expect((await rejectionOf(hasher.verify(undefined as unknown as string, stored))).message).to.equal(sentence);
    expect((await rejectionOf(hasher.dummyVerify(null as unknown as string))).message).to.equal(sentence);
  });

  it('new PasswordHasher() refuses parameters scrypt cannot run, with a sentence', () => {
    expect(() => new PasswordHasher({ logN: 18, r: 8, p: 1 })).to.throw('The scrypt parameters cannot be used: ln=18,r=8,p=1 need more than the 256 MiB allowed; fix the hasher\'s configuration.');
    expect(() => new PasswordHasher({ logN: 16, r: 1, p: 1 })).to.throw('ln=16 must be below 16 r (r=1)');
    expect(() => new PasswordHasher({ logN: 10.5, r: 8, p: 1 })).to.throw('must be whole numbers from 1 to 99 (got ln=10.5,r=8,p=1)');
    expect(() => new PasswordHasher({ logN: 10, r: 0, p: 1 })).to.throw('must be whole numbers');
  });

  it('dummyVerify() runs scrypt with the same parameters, key length and salt length as verify() of a stored hash', async () => {
    const watched = watchedScrypt();
    const hasher = new PasswordHasher({ logN: 11, r: 8, p: 1 }, { scrypt: watched.scrypt });
    const stored = await hasher.hash(password);
    watched.calls.length = 0;
    await hasher.verify('a password that does not match', stored);
    await hasher.dummyVerify('a password that does not match');
    expect(watched.calls).to.have.length(2);
    const [real, dummy] = watched.calls;
    expect(dummy!.options).to.deep.equal(real!.options);
    expect(dummy!.options).to.deep.equal({ N: 2048, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    expect(dummy!.keyLength).to.equal(real!.keyLength);
    expect(dummy!.salt.length).to.equal(real!.salt.length);
  });

  it('dummyVerify() waits in the same queue as verify() when four hashes already run', async () => {
    const held = heldScrypt();
    const hasher = new PasswordHasher(cheap, { scrypt: held.scrypt });
    const busy = Array.from({ length: 4 }, (_, i) => hasher.hash(`busy password ${i}`));
    const dummy = hasher.dummyVerify('unknown user typed this');
    await settle();
    expect(hasher.load).to.deep.equal({ running: 4, waiting: 1 });
    held.calls[0]!.finish();
    await settle();
    expect(held.calls.map((call) => call.password)).to.include('unknown user typed this');
    for (const call of held.calls.slice(1)) call.finish();
    await Promise.all([...busy, dummy]);
  });

  it('hash() runs at most 4 scrypt calls at once and starts the waiting ones in arrival order', async () => {
    const held = heldScrypt();
    const hasher = new PasswordHasher(cheap, { scrypt: held.scrypt });
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => hasher.hash(`password number ${i}`)));
    await settle();
    expect(held.calls).to.have.length(4);
    expect(hasher.load).to.deep.equal({ running: 4, waiting: 6 });
    for (let finished = 0; finished < 10; finished += 1) {
      held.calls[finished]!.finish();
      await settle();
      expect(held.calls).to.have.length(Math.min(10, finished + 5));
      expect(hasher.load.running).to.be.at.most(4);
    }
    await all;
    expect(held.most()).to.equal(4);
    expect(held.calls.map((call) => call.password)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `password number ${i}`));
    expect(hasher.load).to.deep.equal({ running: 0, waiting: 0 });
  });

  it('hash() gives a failed scrypt call\'s slot to the next waiter, so errors do not shrink the queue', async () => {
    const held = heldScrypt();
    const hasher = new PasswordHasher(cheap, { scrypt: held.scrypt });
    const results = Array.from({ length: 8 }, (_, i) => hasher.hash(`password number ${i}`).then(() => 'ok', (error: Error) => error.message));
    await settle();
    for (const call of held.calls.slice(0, 4)) call.finish(new Error('out of memory'));
    await settle();
    expect(held.calls).to.have.length(8);
    for (const call of held.calls.slice(4)) call.finish();
    expect(await Promise.all(results)).to.deep.equal([...Array(4).fill('out of memory'), ...Array(4).fill('ok')]);
    expect(hasher.load).to.deep.equal({ running: 0, waiting: 0 });
  });

  it('hash() with real scrypt never has more than 4 calls in flight under a burst of 12', async () => {
    let running = 0;
    let most = 0;
    const counting: ScryptFunction = (text, salt, keyLength, options, callback) => {
      running += 1;
      most = Math.max(most, running);
      scrypt(text, salt, keyLength, options, (error, key) => { running -= 1; callback(error, key); });
    };
    const hasher = new PasswordHasher({ logN: 12, r: 8, p: 1 }, { scrypt: counting });
    const stored = await Promise.all(Array.from({ length: 12 }, (_, i) => hasher.hash(`password number ${i}`)));
    expect(stored).to.have.length(12);
    expect(most).to.equal(4);
    expect((await hasher.verify('password number 7', stored[7]!)).ok).to.equal(true);
  });
});
