/*
 * The same column reads back differently per dialect: PostgreSQL returns BIGINT as a string and
 * BOOLEAN as a boolean, SQLite returns numbers and 0/1. Stores turn raw rows into typed values here.
 */

/** An epoch-milliseconds BIGINT column as a number, or null. */
export function timeValue(raw: unknown): number | null {
  return raw === null || raw === undefined ? null : Number(raw);
}

/** A BOOLEAN column (SQLite 0/1, PostgreSQL true/false) as a boolean. */
export function booleanValue(raw: unknown): boolean {
  return raw === true || raw === 1 || raw === '1' || raw === 't';
}
