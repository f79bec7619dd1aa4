import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../kernel/install-paths.ts';

/** SECURITY.md: 12 to 128 characters (code points, so an emoji or an accented letter counts once), no composition rules. */
export const minPasswordLength = 12;
export const maxPasswordLength = 128;

// The list ships as a text file beside this source (it is not copied to dist/), read once, on first use.
const listFile = join(packageRoot, 'core', 'identity', 'common-passwords.txt');
let commonPasswords: ReadonlySet<string> | undefined;

/** The shipped common-password list, lower-cased. */
function commonPasswordList(): ReadonlySet<string> {
  commonPasswords ??= new Set(readFileSync(listFile, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')));
  return commonPasswords;
}

/**
 * Why a new password cannot be used, as the end of a sentence ("must be at least 12 characters long"),
 * or null when it can. Refuses too short, too long, a common password, and one that is the person's
 * email, the part before the @, or their name.
 */
export function checkNewPassword(password: string, context: { email?: string; name?: string } = {}): string | null {
  const length = [...password.normalize('NFC')].length;
  if (length < minPasswordLength) return `must be at least ${minPasswordLength} characters long (this one has ${length}); a few unrelated words make a strong one`;
  if (length > maxPasswordLength) return `must be at most ${maxPasswordLength} characters long`;
  const lowered = password.normalize('NFC').toLowerCase();
  if (commonPasswordList().has(lowered)) return 'is on the list of commonly used passwords that attackers try first; choose another';
  const email = context.email?.trim().toLowerCase();
  const personal = [email, email?.split('@')[0], context.name?.trim().toLowerCase()].filter((value): value is string => Boolean(value));
  if (personal.includes(lowered)) return 'must not be your email address or name';
  return null;
}
