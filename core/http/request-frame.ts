import type { Middleware } from 'koa';
import type { Logger } from '../kernel/create-logger.ts';
import { errorRenderer, type ErrorPageRenderer } from './error-renderer.ts';
import { requestContext } from './request-context.ts';
import type { RequestState } from './request-state.ts';
import { securityHeaders } from './security-headers.ts';

/** What the request frame needs: the logger, whether to believe proxies, HSTS and how to render an error page. */
export interface RequestFrameOptions {
  log: Logger;
  trustProxy: boolean;
  hstsMaxAgeSeconds: number;
  renderErrorPage: ErrorPageRenderer;
}

/**
 * The outermost middleware: it gives the request its id, state and log line, sets the security headers,
 * and turns anything thrown below into API.md's JSON error or a themed error page. These are three
 * steps of one middleware rather than three middlewares: every async layer costs each request a
 * promise chain, measurable on small answers (bench/RESULTS.md).
 */
export function requestFrame(options: RequestFrameOptions): Middleware {
  const beginRequest = requestContext({ log: options.log, trustProxy: options.trustProxy });
  const headers = securityHeaders({ hstsMaxAgeSeconds: options.hstsMaxAgeSeconds });
  const errors = errorRenderer({ renderPage: options.renderErrorPage });
  return async (ctx, next) => {
    beginRequest(ctx);
    headers.beforeResponse(ctx);
    try {
      await next();
      const bodiless = errors.bodilessError(ctx);
      if (bodiless) throw bodiless;
    } catch (thrown) {
      if (!ctx.headerSent) {
        // What the handler set before it failed (a Content-Disposition, a Cache-Control) must not describe the error.
        for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
        ctx.set('X-Request-Id', (ctx.state as RequestState).requestId);
        headers.beforeResponse(ctx);
      }
      errors.respond(ctx, thrown);
    }
    headers.afterResponse(ctx);
  };
}
