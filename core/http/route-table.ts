import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { koaBody } from 'koa-body';
import type { z } from 'zod';
import { AppError } from './app-error.ts';
import { auditEventOf } from '../audit/audit-event.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { assertStreamedFormVerified, expectStreamedForm } from '../identity/streamed-form-csrf.ts';

/** Field problems from a zod error, keyed by dotted path, for the `details` of a 400. */
function describeIssues(where: 'body' | 'query' | 'params', error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'is not an accepted field';
      continue;
    }
    fields[issue.path.join('.') || where] = issue.message;
  }
  return fields;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = describeIssues(where, result.error);
  const names = Object.keys(fields).join(', ');
  throw new AppError(400, 'invalid_input', `The request ${where === 'body' ? 'body' : where === 'query' ? 'query string' : 'address'} is not valid: check ${names}.`, {
    details: { fields },
  });
}

// Fields a client must never set: who owns a row, which tenant it is in, what role someone has. A
// request naming one where the route does not accept it is an attempt, recorded as access.denied.
const guardedFields = new Set(['tenantId', 'tenant_id', 'ownerId', 'owner_id', 'role', 'isInstanceAdmin', 'createdBy', 'userId']);

function validateBody<T>(ctx: Context, schema: z.ZodType<T> | undefined, value: unknown): T {
  try {
    return validate(schema, value, 'body');
  } catch (error) {
    const named = value && typeof value === 'object' ? Object.keys(value).filter((key) => guardedFields.has(key)) : [];
    const refused = error instanceof AppError ? Object.keys((error.details as { fields?: Record<string, string> }).fields ?? {}) : [];
    const assigned = named.filter((key) => refused.includes(key));
    if (assigned.length > 0 && ctx.audit) {
      ctx.audit.recordSoon(auditEventOf(ctx, { action: 'access.denied', outcome: 'denied', details: { reason: 'mass_assignment', fields: assigned, method: ctx.method, path: ctx.path } }));
    }
    throw error;
  }
}

// Only methods that carry a body pay for the parser; GET and HEAD never read one.
const methodsWithBody = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Checks that every route names a policy and that no method and path is declared twice. */
export function checkRouteDeclarations(routes: readonly OwnedRoute[]): void {
  const seen = new Map<string, string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (!route.policy || typeof route.policy.check !== 'function') throw new Error(`Route ${key} of ${route.owner} declares no access policy; every route must (deny by default).`);
    const other = seen.get(key);
    if (other) throw new Error(`Route ${key} is declared twice (by ${other} and ${route.owner}).`);
    if (route.streamBody && route.body) throw new Error(`Route ${key} of ${route.owner} declares both streamBody and a body schema: a route that reads its body as a stream validates it itself.`);
    if (route.streamBody !== undefined && route.streamBody !== true && route.streamBody !== false && route.streamBody !== 'form') throw new Error(`Route ${key} of ${route.owner} declares streamBody ${JSON.stringify(route.streamBody)}: it is true, 'form' or left out.`);
    if (route.streamBody && !methodsWithBody.has(route.method)) throw new Error(`Route ${key} of ${route.owner} declares streamBody, but ${route.method} requests carry no body.`);
    seen.set(key, route.owner);
  }
}

/** How request bodies are read: the largest JSON or form body accepted (server.jsonLimit). */
export interface RouteTableOptions {
  bodyLimit: string | number;
}

/**
 * One Koa middleware per route: the body read (for methods that carry one, unless the route streams its
 * body itself), the policy, input validation, then the handler.
 */
function routeMiddleware(route: OwnedRoute, parseBody: Middleware): Middleware {
  const streamedForm = route.streamBody === 'form';
  const handle = async (ctx: Context): Promise<void> => {
    if (streamedForm) expectStreamedForm(ctx);
    const checking = route.policy.check(ctx);
    if (checking) await checking;
    const params = validate(route.params, (ctx as Context & { params?: unknown }).params ?? {}, 'params');
    // A route that declares no query schema gets none: nothing unvalidated reaches a handler as input.
    const query = route.query ? validate(route.query, ctx.query, 'query') : {};
    const rawBody = (ctx.request as { body?: unknown }).body;
    if (route.body && rawBody === undefined && ctx.request.length && !ctx.is('json', 'urlencoded')) {
      throw new AppError(415, 'unsupported_media_type', 'Send the request body as application/json.');
    }
    const body = validateBody(ctx, route.body, rawBody ?? {});
    await route.handler(ctx, { body, query, params });
    if (streamedForm) assertStreamedFormVerified(ctx);
  };
  // A streaming route's body stays unread in ctx.req for its handler (koa-body would buffer it, or with multipart write it to disk).
  if (!methodsWithBody.has(route.method) || route.streamBody) return handle;
  return (ctx) => parseBody(ctx, () => handle(ctx));
}

/** Builds the router from every declared route, with 405 + Allow for a wrong method on a known path. */
export function buildRouteTable(routes: readonly OwnedRoute[], options: RouteTableOptions): Middleware {
  checkRouteDeclarations(routes);
  const limit = options.bodyLimit;
  const parseBody = koaBody({ multipart: false, jsonLimit: limit, formLimit: limit, textLimit: limit, jsonStrict: true }) as Middleware;
  const router = new Router();
  // Paths without parameters are also found by one map lookup: the router tries every pattern in turn.
  const exactRoutes = new Map<string, Middleware>();
  for (const route of routes) {
    const middleware = routeMiddleware(route, parseBody);
    router.register(route.path, [route.method], middleware);
    if (!/[:*(]/.test(route.path)) exactRoutes.set(`${route.method} ${route.path}`, middleware);
  }
  const dispatch = router.routes();
  const allowed = router.allowedMethods();
  return (ctx, next) => {
    const exact = exactRoutes.get(`${ctx.method} ${ctx.path}`);
    if (exact) return exact(ctx, next);
    // The router's context type adds params; at run time it is the same Koa context.
    return dispatch(ctx as never, () => allowed(ctx as never, next));
  };
}
