import { expect } from 'chai';
import request from 'supertest';
import { kirjuriVersion } from '../../core/kernel/install-paths.ts';
import { createTestApp, fixturePluginsDir, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

/** Every response's headers; an HTML page also gets the page policy (its own styles and scripts only) and the page-only headers. */
const expectSecurityHeaders = (res: request.Response): void => {
  expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  expect(res.headers['content-security-policy']).to.contain("frame-ancestors 'none'");
  expect(res.headers['x-content-type-options']).to.equal('nosniff');
  expect(res.headers['referrer-policy']).to.equal('no-referrer');
  if (/^text\/html/.test(res.headers['content-type'] ?? '')) {
    expect(res.headers['x-frame-options']).to.equal('DENY');
    expect(res.headers['cross-origin-resource-policy']).to.equal('same-origin');
    expect(res.headers['content-security-policy']).to.contain("default-src 'self'").and.to.contain("script-src 'self'").and.to.contain("object-src 'none'");
    expect(res.headers['cross-origin-opener-policy']).to.equal('same-origin');
    expect(res.headers['permissions-policy']).to.contain('microphone=()');
  } else {
    expect(res.headers['content-security-policy']).to.contain("default-src 'none'");
    expect(res.headers['cross-origin-opener-policy']).to.equal(undefined);
  }
};

forEachDatabase('the HTTP basics', (kind) => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp(kind, { plugins: { extraDirs: [fixturePluginsDir], config: { echo: { greeting: 'hi' } } } });
  });
  after(async () => app?.close());

  it('GET /api/v1/health answers ok with the version and the security headers', async () => {
    const res = await request(app.handler).get('/api/v1/health').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', version: kirjuriVersion });
    expectSecurityHeaders(res);
  });

  it('an unknown API route answers 404 in the JSON error format with the security headers', async () => {
    const res = await request(app.handler).get('/api/v1/nothing-here').expect(404);
    expect(res.body.error).to.include({ code: 'not_found', message: 'Nothing was found at this address.' });
    expect(res.body.error.requestId).to.equal(res.headers['x-request-id']);
    expectSecurityHeaders(res);
  });

  it('an unknown page answers a themed 404 page for a browser', async () => {
    const res = await request(app.handler).get('/no/such/page').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.text).to.contain('Nothing was found at this address.').and.to.contain(res.headers['x-request-id']);
    expectSecurityHeaders(res);
  });

  it('a wrong method answers 405 with an Allow header', async () => {
    const res = await request(app.handler).delete('/api/v1/health').expect(405);
    expect(res.headers.allow).to.contain('GET');
    expect(res.body.error.code).to.equal('method_not_allowed');
  });

  it('malformed JSON answers 400 malformed_json', async () => {
    const res = await request(app.handler).post('/api/v1/echo/notes').set('Content-Type', 'application/json').send('{"text": ').expect(400);
    expect(res.body.error.code).to.equal('malformed_json');
    expectSecurityHeaders(res);
  });

  it('a body over the limit answers 413 body_too_large', async () => {
    const res = await request(app.handler).post('/api/v1/echo/notes').set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(1_100_000) })).expect(413);
    expect(res.body.error.code).to.equal('body_too_large');
  });

  it('a body that breaks the route schema answers 400 naming each field', async () => {
    const res = await request(app.handler).post('/api/v1/echo/notes').send({ text: '', tenantId: 'other' }).expect(400);
    expect(res.body.error.code).to.equal('invalid_input');
    expect(res.body.error.details.fields).to.have.keys('text', 'tenantId');
  });

  it('a body in an unsupported type answers 415', async () => {
    const res = await request(app.handler).post('/api/v1/echo/notes').set('Content-Type', 'application/xml').send('<text>hi</text>').expect(415);
    expect(res.body.error.code).to.equal('unsupported_media_type');
  });

  it('a failing handler answers 500 without its message or stack', async () => {
    const res = await request(app.handler).get('/api/v1/echo/crash').expect(500);
    expect(res.body.error.code).to.equal('internal_error');
    expect(JSON.stringify(res.body)).not.to.contain('passwd');
    expect(res.headers['content-disposition'], 'headers the handler set before failing are dropped').to.equal(undefined);
    expect(res.headers['cache-control']).to.equal(undefined);
    expectSecurityHeaders(res);
    expect(res.body.error.details).to.deep.equal({});
    expectSecurityHeaders(res);
  });

  it('a plugin route writes through its own migrated table and reads it back', async () => {
    const created = await request(app.handler).post('/api/v1/echo/notes').send({ text: 'concrete poured' }).expect(201);
    expect(created.body.text).to.equal('hi: concrete poured');
    const read = await request(app.handler).get(`/api/v1/echo/notes/${created.body.id}`).expect(200);
    expect(read.body).to.deep.equal(created.body);
    await request(app.handler).get('/api/v1/echo/notes/999999').expect(404);
    const bad = await request(app.handler).get('/api/v1/echo/notes/abc').expect(400);
    expect(bad.body.error.details.fields).to.have.key('id');
  });

  it('GET /api/v1/openapi.json describes core and plugin routes with their policies', async () => {
    const res = await request(app.handler).get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).to.equal('3.1.0');
    expect(res.body.paths['/api/v1/health'].get['x-kirjuri-policy']).to.equal('public');
    expect(res.body.paths['/api/v1/echo/notes/{id}'].get['x-kirjuri-owner']).to.equal('echo');
  });

  it('every declared route names an access policy (deny by default)', () => {
    const routes = app.kirjuri.routes;
    expect(routes.length).to.be.greaterThan(0);
    for (const route of routes) expect(route.policy?.name, `${route.method} ${route.path}`).to.be.a('string').and.not.equal('');
  });

  it('/ sends a new instance to setup, and the setup page renders in the default theme with a nonce\'d style', async () => {
    await request(app.handler).get('/').expect(302).expect('Location', '/setup');
    const res = await request(app.handler).get('/setup').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.text).to.match(/<html lang="/);
    const nonce = /<style nonce="([^"]+)">/.exec(res.text)?.[1];
    expect(nonce, 'the inline style carries a nonce').to.be.a('string');
    expect(res.headers['content-security-policy']).to.contain(`'nonce-${nonce}'`);
    expectSecurityHeaders(res);
    const again = await request(app.handler).get('/setup').expect(200);
    expect(/<style nonce="([^"]+)">/.exec(again.text)?.[1], 'a new nonce for every page').not.to.equal(nonce);
  });

  it('theme assets are served with a year of immutable caching, an ETag and 304 on revalidation', async () => {
    const url = app.kirjuri.themes.assetUrl('default', 'css/kirjuri.css');
    const res = await request(app.handler).get(url).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/css/);
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers.etag).to.be.a('string');
    expect(res.text).to.contain('--kirjuri-primary');
    await request(app.handler).get(url).set('If-None-Match', res.headers.etag!).expect(304);
    const head = await request(app.handler).head(url).expect(200);
    expect(head.headers['content-length']).to.equal(res.headers['content-length']);
  });

  it('an asset asked for under an older version is served briefly cached; other paths answer 404 and unsafe methods 405', async () => {
    const current = app.kirjuri.themes.assetUrl('default', 'img/favicon.svg');
    const old = current.replace(/^\/assets\/default\/[^/]+\//, '/assets/default/0.0.1-old/');
    const res = await request(app.handler).get(old).expect(200);
    expect(res.headers['cache-control']).to.equal('public, max-age=300');
    for (const path of ['/assets/default/x/../../package.json', '/assets/default/x/css%2fkirjuri.css', '/assets/default/x/.hidden', '/assets/nope/x/css/kirjuri.css', '/assets/default/x/theme.json']) {
      const missing = await request(app.handler).get(path).set('Accept', 'application/json');
      expect(missing.status, path).to.equal(404);
    }
    await request(app.handler).post(current).expect(405).expect('Allow', 'GET, HEAD');
  });
});

forEachDatabase('the plugin lifecycle', (kind) => {
  it('createApp() migrates, bootstraps, runs hooks and jobs, and close() destroys, in order', async () => {
    const { echoEvents } = await import('../fixtures/plugins/echo/plugin.ts');
    echoEvents.length = 0;
    const app = await createTestApp(kind, { plugins: { extraDirs: [fixturePluginsDir] } });
    try {
      const ran = await app.kirjuri.scheduler.runDue();
      expect(ran).to.deep.equal(['core.purge-sessions', 'core.sweep-orphan-blobs', 'core.audit-checkpoint', 'core.audit-purge', 'echo.tick', 'images.resume']);
    } finally {
      await app.close();
    }
    expect(echoEvents).to.deep.equal(['bootstrap hello', 'hook app.started', 'job echo.tick', 'hook app.stopping', 'destroy']);
  });

  it('createApp() fails with the plugin\'s name when its settings are invalid, and opens nothing', async () => {
    const error = await createTestApp(kind, { plugins: { extraDirs: [fixturePluginsDir], config: { echo: { greeting: 42 } } } }).catch((e: Error) => e);
    expect((error as Error).message).to.match(/^Plugin "echo" cannot be loaded: its settings are invalid: plugins\.config\.echo\.greeting/);
  });
});
