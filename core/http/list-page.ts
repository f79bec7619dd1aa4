import { z } from 'zod';
import { AppError } from './app-error.ts';

/** The query of every list route (API.md "Lists"): `limit` 1..200, default 50, and an opaque `cursor`. */
export const listQueryFields = {
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().max(1000).optional(),
};

/** A position in a list as an opaque string for `nextCursor`. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a `cursor` holds, checked against its shape; a cursor that is not ours is a 400. */
export function decodeCursor<T>(cursor: string | undefined, shape: z.ZodType<T>): T | null {
  if (cursor === undefined || cursor === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = shape.safeParse(parsed);
  if (!result.success) throw new AppError(400, 'invalid_cursor', 'The cursor is not one this list gave out; start again without it.', { details: { fields: { cursor: 'is not valid' } } });
  return result.data;
}
