import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from '../kernel/create-logger.ts';
import { createCspNonceSource } from './csp-nonce-source.ts';
import { RequestState } from './request-state.ts';

// An incoming X-Request-Id is only kept from a trusted proxy, and only when it looks like an id.
const acceptableRequestId = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Returns the first step of every request (see request-frame.ts): it gives the request its RequestState (an id, sent as X-Request-Id on every response; a logger; a CSP
 * nonce on demand), and writes one pino line per request when the response is finished: method, path
 * (no query string: it may hold secrets), status, duration, ip. Never headers, bodies or cookies.
 */
export function requestContext(options: { log: Logger; trustProxy: boolean }): (ctx: Context) => void {
  const nextNonce = createCspNonceSource();
  return (ctx) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('X-Request-Id');
    const requestId = options.trustProxy && acceptableRequestId.test(incoming) ? incoming : randomUUID();
    const state = new RequestState(requestId, options.log, nextNonce);
    ctx.state = state;
    ctx.set('X-Request-Id', requestId);
    if (options.log.isLevelEnabled('info')) {
      ctx.res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, 'request');
      });
    }
  };
}
