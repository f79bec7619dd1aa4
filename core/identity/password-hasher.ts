import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters: N = 2^logN, r, p. */
export interface ScryptParameters {
  logN: number;
  r: number;
  p: number;
}

/** SECURITY.md: N=2^17, r=8, p=1 (128 MiB and a few hundred ms per hash on this machine kind). */
export const defaultScryptParameters: ScryptParameters = Object.freeze({ logN: 17, r: 8, p: 1 });

/** The outcome of checking a password: whether it matches, and whether the hash should be remade with today's parameters. */
export interface PasswordVerdict {
  ok: boolean;
  needsRehash: boolean;
}

const saltBytes = 16;
const keyBytes = 32;
const maxmem = 256 * 1024 * 1024;
// SECURITY.md: at most 4 hashes at once; each takes 128 r N bytes (128 MiB at the defaults).
const maxConcurrentHashes = 4;
const phcPattern = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

function derive(password: string, salt: Buffer, parameters: ScryptParameters, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** parameters.logN, r: parameters.r, p: parameters.p, maxmem };
  return new Promise((resolve, reject) => {
    // NFC: the same password typed on two keyboards (é composed or e + accent) must match.
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hashes and verifies passwords with scrypt (node:crypto, asynchronous) into PHC strings such as
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`. Never truncates, never logs. A FIFO queue keeps at most four
 * hashes running, so a burst of sign-ins cannot take all memory.
 */
export class PasswordHasher {
  readonly parameters: ScryptParameters;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  /** Tests pass cheaper parameters; production uses the defaults. */
  constructor(parameters: ScryptParameters = defaultScryptParameters) {
    this.parameters = parameters;
  }

  /** How many hashes run now (never more than four) and how many wait, for status displays and tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Hashes a new password with a fresh salt. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(saltBytes);
    const { logN, r, p } = this.parameters;
    const key = await this.#limited(() => derive(password, salt, this.parameters, keyBytes));
    return `$scrypt$ln=${logN},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
  }

  /** Checks a password against a stored hash in constant time; says whether to re-hash with today's parameters. */
  async verify(password: string, stored: string): Promise<PasswordVerdict> {
    const match = phcPattern.exec(stored);
    if (!match) throw new Error('The stored password hash is not a $scrypt$ PHC string; reset this user\'s password.');
    const parameters = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    const salt = Buffer.from(match[4]!, 'base64');
    const expected = Buffer.from(match[5]!, 'base64');
    if (expected.length < 16 || parameters.logN < 1) throw new Error('The stored password hash is damaged; reset this user\'s password.');
    const key = await this.#limited(() => derive(password, salt, parameters, expected.length));
    const { logN, r, p } = this.parameters;
    return { ok: timingSafeEqual(key, expected), needsRehash: parameters.logN < logN || parameters.r < r || parameters.p < p };
  }

  /** Spends the time of one verification and matches nothing: for an unknown email, so it answers as slowly as a known one. */
  async dummyVerify(password: string): Promise<void> {
    await this.#limited(() => derive(password, Buffer.alloc(saltBytes), this.parameters, keyBytes));
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= maxConcurrentHashes) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running += 1;
    try {
      return await work();
    } finally {
      // Hand the slot to the next waiter directly, so a newcomer cannot jump the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
