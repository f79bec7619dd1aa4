import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, fixturePluginsDir, type TestApp } from '../helpers/create-test-app.ts';
import { checkRouteDeclarations } from '../../core/http/route-table.ts';
import type { OwnedRoute } from '../../core/kernel/route-declaration.ts';

// The only routes anyone may call without signing in, each for a reason (SECURITY.md: deny by default).
const openRoutes = new Set([
  'GET /api/v1/health', 'GET /api/v1/openapi.json', 'POST /api/v1/setup', 'POST /api/v1/auth/login', 'POST /api/v1/auth/reset',
  'POST /api/v1/invites/:token', 'GET /', 'GET /setup', 'POST /setup', 'GET /login', 'POST /login', 'GET /reset', 'POST /reset',
  'GET /invite/:token', 'POST /invite/:token',
]);
const openPolicies = new Set(['public', 'public-same-origin', 'invite-holder']);

describe('route policies (deny by default)', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp('sqlite', { setup: { token: 'test-setup-token-0123456789' }, plugins: { extraDirs: [fixturePluginsDir], config: {} } });
  });
  after(async () => app?.close());

  it('every route of core and the plugins names a policy, and only the listed ones are open to anyone', () => {
    const open: string[] = [];
    for (const route of app.kirjuri.routes) {
      expect(route.policy?.name, `${route.method} ${route.path} of ${route.owner}`).to.be.a('string');
      expect(route.policy.check, `${route.method} ${route.path}`).to.be.a('function');
      if (openPolicies.has(route.policy.name) && route.owner === 'core') open.push(`${route.method} ${route.path}`);
    }
    expect(open.filter((key) => !openRoutes.has(key)), 'open routes not on the list').to.deep.equal([]);
  });

  it('every tenant route decides by tenant: a role or the participant policy, never just "signed in"', () => {
    const loose = app.kirjuri.routes.filter((route) => route.path.includes('/t/:t') && !/^tenant-/.test(route.policy.name));
    expect(loose.map((route) => `${route.method} ${route.path}: ${route.policy.name}`)).to.deep.equal([]);
  });

  it('without a session every route that is not open answers 401 (API) or sends the browser to sign in (pages)', async () => {
    const wrong: string[] = [];
    for (const route of app.kirjuri.routes) {
      if (openPolicies.has(route.policy.name)) continue;
      const path = route.path.replace(/:[a-zA-Z]+/g, 'x1');
      const res = await request(app.handler)[route.method.toLowerCase() as 'get'](path).set('Accept', 'text/html');
      const ok = path.startsWith('/api/') ? res.status === 401 : (res.status === 401 || (res.status === 303 && /^\/login/.test(res.headers.location ?? '')));
      if (!ok) wrong.push(`${route.method} ${route.path}: ${res.status}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('a route without a policy stops the app from being built', () => {
    const route = { owner: 'core', method: 'GET', path: '/api/v1/nothing', summary: 'x', handler: () => undefined } as unknown as OwnedRoute;
    expect(() => checkRouteDeclarations([route])).to.throw(/declares no access policy/);
  });
});
