import { publicAccess, type OwnedRoute } from '../kernel/route-declaration.ts';

/** Core's own routes: health and the OpenAPI document. */
export function coreRoutes(options: {
  version: string;
  openApiDocument: () => Record<string, unknown>;
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
  ];
}
