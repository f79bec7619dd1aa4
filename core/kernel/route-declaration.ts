import type { Context } from 'koa';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. Every route must name one (deny by default); the router refuses a route
 * without. `check` runs before the handler and throws an AppError (401/403/404) to refuse.
 * Later issues add the signed-in, role and object-level policies beside `publicAccess`.
 */
export interface RoutePolicy {
  /** A stable name shown in the OpenAPI document and in the route walk test, e.g. "public". */
  readonly name: string;
  check(ctx: Context): void | Promise<void>;
}

/** The validated parts of a request a handler receives. */
export interface ValidatedInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

/**
 * One HTTP route as a plugin or core declares it; the declaration also feeds the OpenAPI document.
 * `R` is what the handler gets as its explicit dependencies: a plugin's handlers get its PluginRuntime.
 */
export interface RouteDeclaration<B = unknown, Q = unknown, P = unknown, R = unknown> {
  method: HttpMethod;
  /** Koa-router path, e.g. `/api/v1/t/:tenant/records/:id`. */
  path: string;
  policy: RoutePolicy;
  /** One line for the OpenAPI document. */
  summary: string;
  tags?: string[];
  body?: z.ZodType<B>;
  /**
   * true: the handler reads the request body itself from `ctx.req` as a stream (a multipart upload
   * parsed with busboy), so no body parser runs and nothing of the body is buffered or written to disk
   * before the handler sees it. Such a route declares no `body` schema; its handler gets `{}` as body.
   * A session request must send its CSRF token in the X-CSRF-Token header.
   *
   * 'form': the same, for a browser form (multipart/form-data with files, or urlencoded) whose CSRF token
   * comes in the body as its `_csrf` field: without the header, the handler must call
   * verifyStreamedFormToken() (core/identity/streamed-form-csrf.ts) before it accepts any other part;
   * until then the request's ctx.audit refuses changes, and a handler that never verifies it gets a 403.
   */
  streamBody?: boolean | 'form';
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Status codes this route answers with and what each means, for the OpenAPI document. */
  responses?: Record<number, string>;
  handler(ctx: Context, input: ValidatedInput<B, Q, P>, runtime: R): void | Promise<void>;
}

/** A declared route with its owner (a plugin or 'core') and its dependencies already bound. */
export interface OwnedRoute extends Omit<RouteDeclaration, 'handler'> {
  owner: string;
  handler(ctx: Context, input: ValidatedInput<unknown, unknown, unknown>): void | Promise<void>;
}

/** The policy of a route anyone may call, signed in or not. */
export const publicAccess: RoutePolicy = Object.freeze({ name: 'public', check: () => undefined });
