import { timingSafeEqual } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { hashSecret, newSecret } from './secret-token.ts';

const settingKey = 'setup_token_hash';

/**
 * Makes sure an instance that is not set up yet has a one-time setup token, and returns the token to
 * print, or null when none is to be printed (already set up, or the token comes from setup.token).
 * A generated token is stored only as its hash, so any node sharing the database accepts it; every
 * start before setup replaces it, so only the newest printed one works.
 */
export async function prepareSetupToken(db: Database, options: { configuredToken: string | null; setUp: boolean }): Promise<string | null> {
  if (options.setUp) return null;
  const token = options.configuredToken ?? newSecret();
  await db.sequelize.query(
    `INSERT INTO kirjuri_instance_settings (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    { bind: [settingKey, hashSecret(token), Date.now()], type: QueryTypes.RAW },
  );
  return options.configuredToken ? null : token;
}

/** Whether a presented setup token is the current one (compared by hash, in constant time). */
export async function setupTokenMatches(db: Database, presented: string): Promise<boolean> {
  const [row] = await db.sequelize.query<{ value: string }>('SELECT value FROM kirjuri_instance_settings WHERE key = $1', { bind: [settingKey], type: QueryTypes.SELECT });
  if (!row) return false;
  const expected = Buffer.from(row.value, 'hex');
  const actual = Buffer.from(hashSecret(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
