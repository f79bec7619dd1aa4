import type { User } from './user-store.ts';

/** A user as the API shows it (API.md: ids opaque, times ISO 8601 UTC); never a password hash. */
export function userJson(user: User): Record<string, unknown> {
  return {
    id: user.id, email: user.email, name: user.name, isInstanceAdmin: user.isInstanceAdmin,
    disabled: user.disabledAt !== null, createdAt: new Date(user.createdAt).toISOString(),
  };
}
