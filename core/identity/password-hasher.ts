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

/** The shape of node:crypto's callback `scrypt`; tests pass a wrapper to see what runs, production never sets it. */
export type ScryptFunction = (
  password: string, salt: Buffer, keyLength: number, options: ScryptOptions, callback: (error: Error | null, key: Buffer) => void,
) => void;

/** What else a hasher can be given besides its parameters. */
export interface PasswordHasherOptions {
  scrypt?: ScryptFunction;
}

const saltBytes = 16;
const keyBytes = 32;
const maxmem = 256 * 1024 * 1024;
// SECURITY.md: at most 4 hashes at once; each takes 128 r N bytes (128 MiB at the defaults).
const maxConcurrentHashes = 4;
// Shorter salts or keys than this are not something Kirjuri ever wrote: the row was damaged or forged.
const minStoredSaltBytes = 8;
const minStoredKeyBytes = 16;
const phcPattern = /^\$scrypt\$ln=([1-9]\d?),r=([1-9]\d?),p=([1-9]\d?)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Bytes scrypt needs, counted as OpenSSL does before it refuses a call over `maxmem`: V is 128 r (N + 2), B is 128 r p. */
const scryptMemory = ({ logN, r, p }: ScryptParameters): number => 128 * r * (2 ** logN + 2) + 128 * r * p;

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** Why OpenSSL would refuse these parameters, or null: memory over `maxmem`, or N not below 2^(16 r). */
function unusableParameters(parameters: ScryptParameters): string | null {
  const { logN, r, p } = parameters;
  if (scryptMemory(parameters) > maxmem) return `ln=${logN},r=${r},p=${p} need more than the ${maxmem / 2 ** 20} MiB allowed`;
  if (logN >= 16 * r) return `ln=${logN} must be below 16 r (r=${r})`;
  return null;
}

/** Decodes unpadded base64, or null when the text cannot be the encoding of whole bytes (length 1 mod 4). */
const unb64 = (text: string): Buffer | null => (text.length % 4 === 1 ? null : Buffer.from(text, 'base64'));

const damaged = (why: string): Error => new Error(`The stored password hash is damaged (${why}); reset this user's password.`);

/** The parameters, salt and key in a stored PHC string, or an error sentence saying why it cannot be used. */
function parseStoredHash(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } {
  const match = typeof stored === 'string' ? phcPattern.exec(stored) : null;
  if (!match) throw new Error('The stored password hash is not a $scrypt$ PHC string; reset this user\'s password.');
  const parameters = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const salt = unb64(match[4]!);
  const key = unb64(match[5]!);
  if (!salt || !key) throw damaged(`its ${salt ? 'key' : 'salt'} is cut short in the middle of a base64 group`);
  if (salt.length < minStoredSaltBytes) throw damaged(`its salt is shorter than ${minStoredSaltBytes} bytes`);
  if (key.length < minStoredKeyBytes) throw damaged(`its key is shorter than ${minStoredKeyBytes} bytes`);
  // Checked here so that a forged row cannot make scrypt allocate past the limit or throw a bare range error.
  const unusable = unusableParameters(parameters);
  if (unusable) throw damaged(unusable);
  return { parameters, salt, key };
}

/** Refuses anything but a string before it reaches scrypt, which would otherwise fail with a type error about `normalize`. */
function checkedPassword(password: string): string {
  if (typeof password !== 'string') throw new TypeError('A password must be text; send it as a JSON string or a form field.');
  // NFC: the same password typed on two keyboards (é composed or e + accent) must match.
  return password.normalize('NFC');
}

/**
 * Hashes and verifies passwords with scrypt (node:crypto, asynchronous) into PHC strings such as
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`. Never truncates, never logs. A FIFO queue keeps at most four
 * hashes running, so a burst of sign-ins cannot take all memory.
 */
export class PasswordHasher {
  readonly parameters: ScryptParameters;
  readonly #scrypt: ScryptFunction;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  /** Tests pass cheaper parameters (and may watch scrypt); production uses the defaults. */
  constructor(parameters: ScryptParameters = defaultScryptParameters, options: PasswordHasherOptions = {}) {
    const { logN, r, p } = parameters;
    if (![logN, r, p].every((value) => Number.isInteger(value) && value >= 1 && value <= 99)) {
      throw new Error(`The scrypt parameters must be whole numbers from 1 to 99 (got ln=${logN},r=${r},p=${p}); fix the hasher's configuration.`);
    }
    const unusable = unusableParameters(parameters);
    if (unusable) throw new Error(`The scrypt parameters cannot be used: ${unusable}; fix the hasher's configuration.`);
    this.parameters = Object.freeze({ ...parameters });
    this.#scrypt = options.scrypt ?? scrypt;
  }

  /** How many hashes run now (never more than four) and how many wait, for status displays and tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Hashes a new password with a fresh salt. */
  async hash(password: string): Promise<string> {
    const normalised = checkedPassword(password);
    const salt = randomBytes(saltBytes);
    const { logN, r, p } = this.parameters;
    const key = await this.#derive(normalised, salt, this.parameters, keyBytes);
    return `$scrypt$ln=${logN},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
  }

  /**
   * Checks a password against a stored hash in constant time; says whether to re-hash with today's
   * parameters. A stored string that is not a usable scrypt hash rejects with a sentence.
   */
  async verify(password: string, stored: string): Promise<PasswordVerdict> {
    const normalised = checkedPassword(password);
    const { parameters, salt, key: expected } = parseStoredHash(stored);
    const key = await this.#derive(normalised, salt, parameters, expected.length);
    const { logN, r, p } = this.parameters;
    const weaker = parameters.logN < logN || parameters.r < r || parameters.p < p || salt.length < saltBytes || expected.length < keyBytes;
    return { ok: timingSafeEqual(key, expected), needsRehash: weaker };
  }

  /**
   * Spends the time of one verification and matches nothing: for an unknown email, so it answers as
   * slowly as a known one. Same parameters, key length and queue as `verify` of a hash made by `hash`.
   */
  async dummyVerify(password: string): Promise<void> {
    await this.#derive(checkedPassword(password), Buffer.alloc(saltBytes), this.parameters, keyBytes);
  }

  async #derive(password: string, salt: Buffer, parameters: ScryptParameters, keyLength: number): Promise<Buffer> {
    const options: ScryptOptions = { N: 2 ** parameters.logN, r: parameters.r, p: parameters.p, maxmem };
    return this.#limited(() => new Promise<Buffer>((resolve, reject) => {
      this.#scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
    }));
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
