import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { AppError } from '../http/app-error.ts';
import { ownOrigin } from '../http/own-origin.ts';

/**
 * The CSRF token of a session: an HMAC of a fixed label keyed with the session secret. It is bound to
 * the session, needs no storage, and cannot be derived from the stored hash of the session id.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('kirjuri csrf token v1').digest('base64url');
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request method may change state (and so needs CSRF protection when it carries a cookie). */
export function isUnsafeMethod(method: string): boolean {
  return !safeMethods.has(method);
}

/** Whether two tokens are the same, in time that does not depend on where they differ. */
export const equalTokens = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Refuses a cross-site unsafe request: a browser's Sec-Fetch-Site must say same-origin (or none, typed
 * by the user), and without it an Origin header, when present, must be this server's. Used for every
 * unsafe request, signed in or not (login CSRF).
 */
export function assertSameOrigin(ctx: Context, publicOrigin: string | null): void {
  const site = ctx.get('Sec-Fetch-Site');
  if (site) {
    if (site === 'same-origin' || site === 'none') return;
    throw new AppError(403, 'csrf_failed', 'This request came from another site and was refused. Submit the form from Kirjuri itself.');
  }
  const origin = ctx.get('Origin');
  if (origin && origin !== 'null' && origin !== (publicOrigin ?? ownOrigin(ctx))) {
    throw new AppError(403, 'csrf_failed', 'This request came from another site and was refused. Submit the form from Kirjuri itself.');
  }
}

/** Refuses an unsafe cookie-authenticated request whose X-CSRF-Token header (or _csrf form field) is not the session's token. */
export function assertCsrfToken(ctx: Context, expected: string): void {
  const body = (ctx.request as { body?: unknown }).body;
  const fromForm = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
  const sent = ctx.get('X-CSRF-Token') || (typeof fromForm === 'string' ? fromForm : '');
  if (!sent || !equalTokens(sent, expected)) {
    throw new AppError(403, 'csrf_failed', 'The CSRF token is missing or wrong. Reload the page and try again; API clients send X-CSRF-Token from GET /api/v1/auth/csrf, or use a bearer token.');
  }
}
