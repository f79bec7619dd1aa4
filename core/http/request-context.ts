import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../kernel/create-logger.ts';

/** What every request carries from the first middleware on; later steps add the signed-in user and tenant. */
export interface RequestState {
  requestId: string;
  /** Nonce for the one inline <style> a themed page may carry (see the CSP). */
  cspNonce: string;
  log: Logger;
}

// An incoming X-Request-Id is only kept from a trusted proxy, and only when it looks like an id.
const acceptableRequestId = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Gives each request an id (X-Request-Id on every response), a child logger, and writes one pino line
 * per request when the response is finished: method, path (no query string: it may hold secrets),
 * status, duration, ip. Never headers, bodies or cookies.
 */
export function requestContext(options: { log: Logger; trustProxy: boolean }): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('X-Request-Id');
    const requestId = options.trustProxy && acceptableRequestId.test(incoming) ? incoming : randomUUID();
    const state = ctx.state as RequestState;
    state.requestId = requestId;
    state.log = options.log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    ctx.res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, 'request');
    });
    await next();
  };
}
