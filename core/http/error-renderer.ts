import type { Context } from 'koa';
import { AppError, isAppError } from './app-error.ts';
import type { RequestState } from './request-state.ts';
import { isStorageFull, storageFullError } from './storage-full.ts';

/** The JSON body of every API error (API.md "Errors"). */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown>; requestId: string };
}

/** Renders a themed error page; returns null when no page can be made (the renderer then writes plain HTML). */
export type ErrorPageRenderer = (ctx: Context, error: AppError) => string | null;

// What the body parser (co-body / raw-body) and Koa throw, translated into our own sentences.
const translatedTypes: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'body_too_large', 'The request body is too large.'],
  'entity.parse.failed': [400, 'malformed_json', 'The request body is not valid JSON.'],
  'entity.verify.failed': [400, 'malformed_body', 'The request body could not be read.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The request body uses a character encoding this server does not accept.'],
  'charset.unsupported': [415, 'unsupported_encoding', 'The request body uses a character set this server does not accept.'],
  'request.aborted': [400, 'request_aborted', 'The request was cut off before its body arrived.'],
  'request.size.invalid': [400, 'malformed_body', 'The request body is shorter or longer than its Content-Length says.'],
  'stream.encoding.set': [500, 'internal_error', 'Something went wrong on our side.'],
};

const statusCodes: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  406: 'not_acceptable', 409: 'conflict', 410: 'gone', 411: 'length_required', 413: 'body_too_large',
  414: 'uri_too_long', 415: 'unsupported_media_type', 422: 'unprocessable', 429: 'too_many_requests',
};

/** Turns anything thrown into an AppError; a full disk becomes a 507, unknown errors a 500 whose message is never shown. */
export function toAppError(thrown: unknown): AppError {
  if (isAppError(thrown)) return thrown;
  // A full disk is the administrator's to fix, not a bug: a 507 that says so, whichever layer noticed it.
  if (isStorageFull(thrown)) return storageFullError(thrown);
  const error = thrown as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown; expose?: unknown; headers?: Record<string, string> };
  const translated = typeof error?.type === 'string' ? translatedTypes[error.type] : undefined;
  if (translated) return new AppError(translated[0], translated[1], translated[2], { cause: thrown });
  // co-body marks a JSON.parse failure only by its class and status.
  if (thrown instanceof SyntaxError && error.status === 400) return new AppError(400, 'malformed_json', 'The request body is not valid JSON.', { cause: thrown });
  const status = Number(error?.status ?? error?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    const message = error.expose && typeof error.message === 'string' ? `${error.message.replace(/\.?$/, '.')}` : 'The request could not be handled.';
    return new AppError(status, statusCodes[status] ?? 'bad_request', message, { cause: thrown, headers: error.headers });
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side. Try again; if it keeps failing, give the administrator the request id.', {
    cause: thrown, expose: false,
  });
}

/** The error for a response that has a status but no body yet. */
function statusOnlyError(status: number, allow: string): AppError {
  if (status === 404) return new AppError(404, 'not_found', 'Nothing was found at this address.');
  if (status === 405) return new AppError(405, 'method_not_allowed', 'This address does not accept that method; the Allow header lists the ones it does.', { headers: allow ? { Allow: allow } : undefined });
  if (status === 501) return new AppError(501, 'not_implemented', 'This server does not implement that method.');
  return new AppError(status, statusCodes[status] ?? 'error', 'The request could not be handled.');
}

/** Whether the client should get JSON rather than an HTML page. */
function wantsJson(ctx: Context): boolean {
  if (ctx.path.startsWith('/api/')) return true;
  return ctx.accepts(['html', 'json']) === 'json';
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A last-resort page when the theme cannot render (e.g. the theme itself failed). */
function plainErrorPage(error: AppError, requestId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${error.status} ${escapeHtml(error.code)}</title></head>` +
    `<body><main><h1>${escapeHtml(error.message)}</h1><p>Request id: ${escapeHtml(requestId)}</p><p><a href="/">Home</a></p></main></body></html>`;
}

/** What the request frame does with errors: answer with one, and find the responses that are one without a body. */
export interface ErrorRenderer {
  /** Answers with API.md's JSON error or a themed error page for anything thrown, keeping the security headers already set. */
  respond(ctx: Context, thrown: unknown): void;
  /** The error for a response that has an error status but no body (nothing answered: 404; the router's 405 with Allow, 501), or null. */
  bodilessError(ctx: Context): AppError | null;
}

/**
 * Renders errors as API.md's JSON error or a themed error page. 5xx details and stacks go to the log,
 * never to the client; a response already streaming is cut off rather than finished short.
 */
export function errorRenderer(options: { renderPage: ErrorPageRenderer }): ErrorRenderer {
  return {
    bodilessError: (ctx) => (ctx.status >= 400 && ctx.body == null ? statusOnlyError(ctx.status, ctx.response.get('Allow')) : null),
    respond(ctx, thrown) {
      const error = toAppError(thrown);
      const state = ctx.state as RequestState;
      if (error.status >= 500) state.log.error({ err: thrown }, 'request failed');
      if (ctx.headerSent || !ctx.writable) {
        // The body was already streaming: the only honest thing left is to cut the connection.
        ctx.req.socket?.destroy();
        return;
      }
      if (error.status === 401 && ctx.method === 'GET' && !wantsJson(ctx)) {
        // A browser asking for a page that needs sign-in goes to the sign-in page, and back afterwards.
        ctx.status = 303;
        ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      const message = error.expose ? error.message : 'Something went wrong on our side. Try again; if it keeps failing, give the administrator the request id.';
      if (wantsJson(ctx)) {
        const body: ErrorBody = { error: { code: error.code, message, details: error.expose ? error.details : {}, requestId: state.requestId } };
        ctx.body = body;
        return;
      }
      let page: string | null = null;
      try {
        page = options.renderPage(ctx, error);
      } catch (renderFailure) {
        state.log.error({ err: renderFailure }, 'error page could not be rendered');
      }
      ctx.type = 'html';
      ctx.body = page ?? plainErrorPage(error, state.requestId);
    },
  };
}
