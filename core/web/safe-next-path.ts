/**
 * The path to go to after sign-in, from a `next` parameter: only a path on this site ("/t/acme"),
 * never another origin ("//evil.example", "/\\evil.example", "https://..."), so sign-in cannot be used
 * as an open redirect. Anything else gives the fallback.
 */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > 2000) return fallback;
  return /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : fallback;
}
