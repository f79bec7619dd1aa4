import type { Context } from 'koa';
import { publicAccess, type OwnedRoute } from '../kernel/route-declaration.ts';

/** Core's own routes: health, the OpenAPI document and the landing page. */
export function coreRoutes(options: {
  version: string;
  openApiDocument: () => Record<string, unknown>;
  renderPage: (ctx: Context, view: string, data: Record<string, unknown>) => string;
}): OwnedRoute[] {
  const health = Object.freeze({ status: 'ok', version: options.version });
  return [
    {
      owner: 'core', method: 'GET', path: '/api/v1/health', policy: publicAccess, tags: ['instance'],
      summary: 'Whether this node is up, and its Kirjuri version.',
      responses: { 200: '{"status":"ok","version":"..."}' },
      handler(ctx) {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = health;
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/openapi.json', policy: publicAccess, tags: ['instance'],
      summary: 'This OpenAPI document, generated from the route declarations.',
      handler(ctx) {
        ctx.body = options.openApiDocument();
      },
    },
    {
      owner: 'core', method: 'GET', path: '/', policy: publicAccess, tags: ['web'],
      summary: 'The landing page.',
      handler(ctx) {
        ctx.type = 'html';
        ctx.body = options.renderPage(ctx, 'core/home', { title: 'Kirjuri' });
      },
    },
  ];
}
