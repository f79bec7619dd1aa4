import type { Context } from 'koa';
import type { RequestState } from './request-state.ts';

/** The Content-Security-Policy of a themed page whose inline <style> carries `nonce` (none when the page has no inline style). */
export function pageContentSecurityPolicy(nonce: string | undefined): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${nonce}'`,
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

// Anything that is not an HTML page (JSON, assets, files, errors in JSON) may load nothing and be framed by no one.
const resourceContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// On every response, set before anything else runs so that even a response flushed early carries them.
const everyResponse: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': resourceContentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

// Only what a browser shows as a page needs these (the CSP's frame-ancestors already keeps everything
// else out of frames); each header on every JSON answer costs measurable throughput (bench/RESULTS.md).
const pagesOnly: Readonly<Record<string, string>> = Object.freeze({
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()',
  'X-Permitted-Cross-Domain-Policies': 'none',
});

/** The two moments security headers are set: before anything runs, and once the response is known. */
export interface SecurityHeaders {
  /** Every response's headers, set first so that even a response flushed early carries them. */
  beforeResponse(ctx: Context): void;
  /** For an HTML page: the page policy with the nonce of its inline style, and the page-only headers. */
  afterResponse(ctx: Context): void;
}

/** The security headers of every response, errors included; HSTS only where the connection is (or a trusted proxy says it is) HTTPS. */
export function securityHeaders(options: { hstsMaxAgeSeconds: number }): SecurityHeaders {
  const hsts = `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`;
  return {
    beforeResponse(ctx) {
      ctx.set(everyResponse);
      if (ctx.secure) ctx.set('Strict-Transport-Security', hsts);
    },
    afterResponse(ctx) {
      if (ctx.headerSent || ctx.response.type !== 'text/html') return;
      ctx.set(pagesOnly);
      ctx.set('Content-Security-Policy', pageContentSecurityPolicy((ctx.state as RequestState).issuedCspNonce));
    },
  };
}
