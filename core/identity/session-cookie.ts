import type { Context } from 'koa';

/**
 * The session cookie (SECURITY.md): `__Host-` prefixed, so browsers only accept it Secure, host-only and
 * with Path=/; HttpOnly; SameSite=Lax. Kirjuri marks it Secure even when it serves plain HTTP behind a
 * TLS-terminating proxy (server.tls=false), where the browser's connection is HTTPS.
 */
export const sessionCookieName = '__Host-kirjuri-session';

// The cookie's value as Kirjuri makes it (43 base64url characters), found by name in the Cookie header.
// Read here rather than through ctx.cookies, whose per-request object costs more than this one lookup.
const sessionCookiePattern = new RegExp(`(?:^|;)\\s*${sessionCookieName}=([A-Za-z0-9_-]{43})\\s*(?:;|$)`);

/** The session secret the request carries, or null. */
export function readSessionCookie(ctx: Context): string | null {
  const header = ctx.get('Cookie');
  if (!header) return null;
  return sessionCookiePattern.exec(header)?.[1] ?? null;
}

/** Gives the browser its session secret, until the session's absolute end. */
export function setSessionCookie(ctx: Context, secret: string, expiresAt: number): void {
  // cookies refuses a Secure cookie on a connection it believes is plain; see the comment above.
  ctx.cookies.secure = true;
  ctx.cookies.set(sessionCookieName, secret, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', expires: new Date(expiresAt), overwrite: true });
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.secure = true;
  ctx.cookies.set(sessionCookieName, '', { httpOnly: true, secure: true, sameSite: 'lax', path: '/', expires: new Date(0), overwrite: true });
}
