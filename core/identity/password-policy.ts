import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../kernel/install-paths.ts';

/** SECURITY.md: 12 to 128 characters (code points, so an emoji or an accented letter counts once), no composition rules. */
export const minPasswordLength = 12;
export const maxPasswordLength = 128;

// The list ships as a text file beside this source (it is not copied to dist/), read once, on first use.
const listFile = join(packageRoot, 'core', 'identity', 'common-passwords.txt');
let commonPasswords: ReadonlySet<string> | undefined;

/** The shipped common-password list, lower-cased; lines starting with # are the file's own notes. */
export function commonPasswordList(): ReadonlySet<string> {
  if (commonPasswords) return commonPasswords;
  let text: string;
  try {
    text = readFileSync(listFile, 'utf8');
  } catch (error) {
    throw new Error(`The common-password list ${listFile} could not be read (${(error as Error).message}); reinstall Kirjuri so that the file is there.`, { cause: error });
  }
  commonPasswords = new Set(text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')));
  return commonPasswords;
}

/** The person a new password belongs to, whose own email and name it must not be. */
export interface PasswordOwner {
  email?: string;
  name?: string;
}

// The same NFC form as PasswordHasher, so what is counted and compared here is what gets hashed.
const comparable = (text: string | undefined): string | undefined => text?.normalize('NFC').trim().toLowerCase();

/**
 * Why a new password cannot be used, as the end of a sentence ("must be at least 12 characters long"),
 * or null when it can. Callers put it after "The password cannot be used: " or beside the form field.
 * Refuses too short, too long, a common password, and one that is the person's email, the part before
 * the @, or their name.
 */
export function checkNewPassword(password: string, context: PasswordOwner = {}): string | null {
  if (typeof password !== 'string') return 'must be text';
  const normalised = password.normalize('NFC');
  const length = [...normalised].length;
  if (length < minPasswordLength) return `must be at least ${minPasswordLength} characters long (this one has ${length}); a few unrelated words make a strong one`;
  if (length > maxPasswordLength) return `must be at most ${maxPasswordLength} characters long`;
  const lowered = normalised.toLowerCase();
  if (commonPasswordList().has(lowered)) return 'is on the list of commonly used passwords that attackers try first; choose another';
  const email = comparable(context.email);
  const personal = [email, email?.split('@')[0], comparable(context.name)].filter((value): value is string => Boolean(value));
  if (personal.includes(lowered)) return 'must not be your email address or name';
  return null;
}
