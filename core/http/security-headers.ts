import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';
import type { RequestState } from './request-context.ts';

/** The Content-Security-Policy for a response whose inline <style> carries `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sets the security headers on every response, errors included: they are set before anything else runs,
 * and the error renderer keeps them. HSTS only where the connection is (or a trusted proxy says it is) HTTPS.
 */
export function securityHeaders(options: { hstsMaxAgeSeconds: number }): Middleware {
  const hsts = `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`;
  return async (ctx, next) => {
    // base64url: valid in a CSP nonce-source, and nothing in it needs escaping in an HTML attribute.
    const nonce = randomBytes(16).toString('base64url');
    (ctx.state as RequestState).cspNonce = nonce;
    ctx.set({
      'Content-Security-Policy': contentSecurityPolicy(nonce),
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()',
      'X-Permitted-Cross-Domain-Policies': 'none',
    });
    if (ctx.secure) ctx.set('Strict-Transport-Security', hsts);
    await next();
  };
}
