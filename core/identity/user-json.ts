import type { User } from './user-store.ts';

/** A user as the API shows it (API.md: ids opaque, times ISO 8601 UTC); never a password hash. */
export function userJson(user: User): Record<string, unknown> {
  return {
    id: user.id, email: user.email, name: user.name, isInstanceAdmin: user.isInstanceAdmin,
    disabled: user.disabledAt !== null, createdAt: isoTime(user.createdAt),
  };
}

// The same few users' creation times are formatted on every /api/v1/me; formatting a Date is not free.
const isoTimes = new Map<number, string>();

/** An epoch-milliseconds time as ISO 8601 UTC, remembered for the times asked for most. */
function isoTime(time: number): string {
  let iso = isoTimes.get(time);
  if (iso === undefined) {
    if (isoTimes.size >= 10_000) isoTimes.clear();
    iso = new Date(time).toISOString();
    isoTimes.set(time, iso);
  }
  return iso;
}
