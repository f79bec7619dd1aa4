import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const setupToken = 'page-setup-token-0123456789';

/** The session cookie a response set (name=value), or undefined. */
const sessionCookieOf = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='))?.split(';')[0];

/** The CSRF token of the forms on a page. */
const csrfOf = (html: string): string => {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(token, 'the page has a CSRF field').to.be.a('string');
  return token!;
};

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

forEachDatabase('the sign-in and administration pages', (kind) => {
  let app: TestApp;
  let adminCookie: string;

  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: setupToken } });
    const setupPage = await request(app.handler).get(`/setup?token=${setupToken}`).expect(200);
    expect(setupPage.text).to.contain(`name="token" value="${setupToken}"`);
    const done = await request(app.handler).post('/setup').type('form')
      .send(form({ token: setupToken, name: 'Aino Admin', email: 'aino@example.com', password: 'correct horse battery staple', tenantName: 'Rakennus Oy', tenantSlug: 'rakennus' }))
      .expect(303).expect('Location', '/t/rakennus');
    adminCookie = sessionCookieOf(done)!;
  });
  afterEach(async () => app?.close());

  it('the setup form shows each error beside its field, keeps what was typed, and then is gone for good', async () => {
    await app.close();
    app = await createTestApp(kind, { setup: { token: setupToken } });
    const res = await request(app.handler).post('/setup').type('form')
      .send(form({ token: setupToken, name: 'Aino', email: 'not-an-email', password: 'short', tenantName: 'Rakennus Oy', tenantSlug: 'Bad Slug' }))
      .expect(422);
    expect(res.text).to.match(/id="field-email-error"[^>]*>[\s\S]*?must be an email address/);
    expect(res.text).to.contain('value="not-an-email"').and.to.contain('value="Rakennus Oy"');
    expect(res.text).to.contain('aria-invalid="true"');
    expect(res.text).not.to.contain('value="short"');
    const weak = await request(app.handler).post('/setup').type('form')
      .send(form({ token: setupToken, name: 'Aino', email: 'aino@example.com', password: 'elevenchars', tenantName: 'Rakennus Oy', tenantSlug: 'rakennus' }))
      .expect(422);
    expect(weak.text).to.match(/id="field-password-error"/);
    await request(app.handler).post('/setup').type('form')
      .send(form({ token: setupToken, name: 'Aino', email: 'aino@example.com', password: 'correct horse battery staple', tenantName: 'Rakennus Oy', tenantSlug: 'rakennus' }))
      .expect(303);
    await request(app.handler).get('/setup').expect(302).expect('Location', '/login');
  });

  it('a page that needs sign-in sends a browser to /login and back to where it was going afterwards', async () => {
    await request(app.handler).get('/t/rakennus').set('Accept', 'text/html').expect(303).expect('Location', '/login?next=%2Ft%2Frakennus');
    const page = await request(app.handler).get('/login?next=%2Ft%2Frakennus').expect(200);
    expect(page.text).to.contain('name="next" value="/t/rakennus"');
    const wrong = await request(app.handler).post('/login').type('form').send(form({ email: 'aino@example.com', password: 'wrong wrong wrong', next: '/t/rakennus' })).expect(401);
    expect(wrong.text).to.contain('The email or password is wrong.').and.to.contain('value="aino@example.com"');
    const ok = await request(app.handler).post('/login').type('form').send(form({ email: 'aino@example.com', password: 'correct horse battery staple', next: '/t/rakennus' })).expect(303);
    expect(ok.headers.location).to.equal('/t/rakennus');
    const evil = await request(app.handler).post('/login').type('form').send(form({ email: 'aino@example.com', password: 'correct horse battery staple', next: '//evil.example/x' })).expect(303);
    expect(evil.headers.location).to.equal('/');
  });

  it('the dashboard shows the tenant to its member; another tenant answers 404', async () => {
    const home = await request(app.handler).get('/t/rakennus').set('Cookie', adminCookie).expect(200);
    expect(home.text).to.contain('Rakennus Oy').and.to.contain('Administration: settings, members, audit log');
    await request(app.handler).get('/').set('Cookie', adminCookie).expect(302).expect('Location', '/t/rakennus');
    await request(app.handler).get('/t/someone-else').set('Cookie', adminCookie).set('Accept', 'text/html').expect(404);
  });

  it('an admin invites a person without a password, whose invite link makes their account and signs them in; as a viewer they cannot reach the members page', async () => {
    const page = await request(app.handler).get('/t/rakennus/admin/members').set('Cookie', adminCookie).expect(200);
    const added = await request(app.handler).post('/t/rakennus/admin/members').set('Cookie', adminCookie).type('form')
      .send(form({ _csrf: csrfOf(page.text), name: 'Ville Viewer', email: 'ville@example.com', role: 'viewer', password: '' })).expect(200);
    expect(added.text).to.contain('Ville Viewer is invited as viewer.').and.to.contain('Send this link to Ville Viewer (ville@example.com) yourself');
    const link = /id="invite-link" type="text" value="(?:http:\/\/127\.0\.0\.1:\d+)(\/invite\/[A-Za-z0-9_-]{43})"/.exec(added.text)?.[1];
    expect(link, 'the invite link is shown').to.be.a('string');
    const waiting = await request(app.handler).get('/t/rakennus/admin/members').set('Cookie', adminCookie).expect(200);
    expect(waiting.text).to.contain('Invitations waiting for an answer').and.to.contain('ville@example.com').and.not.to.contain(link!);
    const invitePage = await request(app.handler).get(link!).expect(200);
    expect(invitePage.text).to.contain('Aino Admin invites ville@example.com to join <strong>Rakennus Oy</strong> as <strong>viewer</strong>.');
    expect(invitePage.text).to.contain('value="Ville Viewer"').and.to.contain('Sign in to accept');
    const weak = await request(app.handler).post(link!).type('form').send(form({ name: 'Ville Viewer', password: 'password1234' })).expect(422);
    expect(weak.text).to.match(/id="field-password-error"/);
    const joined = await request(app.handler).post(link!).type('form').send(form({ name: 'Ville Viewer', password: 'viewer passphrase here' })).expect(303).expect('Location', '/t/rakennus');
    const viewer = sessionCookieOf(joined)!;
    await request(app.handler).get('/t/rakennus').set('Cookie', viewer).expect(200);
    await request(app.handler).post(link!).type('form').send(form({ name: 'Ville Viewer', password: 'viewer passphrase here' })).expect(410);
    await request(app.handler).get('/t/rakennus/admin/members').set('Cookie', viewer).set('Accept', 'text/html').expect(403);
  });

  it('a form posted without the CSRF field is refused with 403 and changes nothing', async () => {
    await request(app.handler).post('/t/rakennus/admin/members').set('Cookie', adminCookie).type('form')
      .send(form({ name: 'Mallory', email: 'mallory@example.com', role: 'admin', password: '' })).expect(403);
    expect((await app.kirjuri.identity.users.findByEmail('mallory@example.com'))).to.equal(null);
  });

  it('the last admin cannot be demoted, and disabling a member ends their access to this tenant at once but not their session', async () => {
    const page = await request(app.handler).get('/t/rakennus/admin/members').set('Cookie', adminCookie).expect(200);
    const csrf = csrfOf(page.text);
    const admin = await app.kirjuri.identity.users.findByEmail('aino@example.com');
    const demoted = await request(app.handler).post(`/t/rakennus/admin/members/${admin!.id}`).set('Cookie', adminCookie).type('form').send(form({ _csrf: csrf, role: 'viewer' })).expect(409);
    expect(demoted.text).to.contain('only admin');
    await request(app.handler).post('/t/rakennus/admin/members').set('Cookie', adminCookie).type('form')
      .send(form({ _csrf: csrf, name: 'Maija Member', email: 'maija@example.com', role: 'member', password: 'maija passphrase here' })).expect(200);
    const maija = sessionCookieOf(await request(app.handler).post('/login').type('form').send(form({ email: 'maija@example.com', password: 'maija passphrase here' })).expect(303))!;
    await request(app.handler).get('/t/rakennus').set('Cookie', maija).expect(200);
    const member = await app.kirjuri.identity.users.findByEmail('maija@example.com');
    const disabled = await request(app.handler).post(`/t/rakennus/admin/members/${member!.id}`).set('Cookie', adminCookie).type('form').send(form({ _csrf: csrf, disabled: 'true' })).expect(200);
    expect(disabled.text).to.contain('Maija Member can no longer open Rakennus Oy; their account and any other organisations are not affected.');
    await request(app.handler).get('/t/rakennus').set('Cookie', maija).set('Accept', 'text/html').expect(404);
    await request(app.handler).get('/me').set('Cookie', maija).expect(200);
  });

  it('the profile page makes an API token, shows it once, and revokes it', async () => {
    const page = await request(app.handler).get('/me').set('Cookie', adminCookie).expect(200);
    const made = await request(app.handler).post('/me/tokens').set('Cookie', adminCookie).type('form').send(form({ _csrf: csrfOf(page.text), tokenName: 'backup script', tokenExpires: '' })).expect(200);
    const token = /<code class="secret-reveal">(kjr_[A-Za-z0-9_-]+)<\/code>/.exec(made.text)?.[1];
    expect(token).to.be.a('string');
    await request(app.handler).get('/api/v1/me').set('Authorization', `Bearer ${token!}`).expect(200);
    const again = await request(app.handler).get('/me').set('Cookie', adminCookie).expect(200);
    expect(again.text).to.contain('backup script').and.not.to.contain(token!);
    const id = /action="\/me\/tokens\/([^/]+)\/revoke"/.exec(again.text)?.[1];
    await request(app.handler).post(`/me/tokens/${id!}/revoke`).set('Cookie', adminCookie).type('form').send(form({ _csrf: csrfOf(again.text) })).expect(200);
    await request(app.handler).get('/api/v1/me').set('Authorization', `Bearer ${token!}`).expect(401);
  });

  it('an instance admin creates a tenant on /admin and becomes its admin; a taken address is shown beside the field', async () => {
    const page = await request(app.handler).get('/admin').set('Cookie', adminCookie).expect(200);
    const created = await request(app.handler).post('/admin/tenants').set('Cookie', adminCookie).type('form').send(form({ _csrf: csrfOf(page.text), name: 'Toinen Oy', slug: 'toinen' })).expect(200);
    expect(created.text).to.contain('/t/toinen');
    await request(app.handler).get('/t/toinen').set('Cookie', adminCookie).expect(200);
    const taken = await request(app.handler).post('/admin/tenants').set('Cookie', adminCookie).type('form').send(form({ _csrf: csrfOf(page.text), name: 'Kolmas', slug: 'toinen' })).expect(409);
    expect(taken.text).to.match(/id="field-slug-error"[^>]*>[\s\S]*?already taken/);
    const picker = await request(app.handler).get('/').set('Cookie', adminCookie).expect(200);
    expect(picker.text).to.contain('Rakennus Oy').and.to.contain('Toinen Oy');
  });

  it('sign-out ends the session and goes to the sign-in page', async () => {
    const page = await request(app.handler).get('/t/rakennus').set('Cookie', adminCookie).expect(200);
    await request(app.handler).post('/logout').set('Cookie', adminCookie).type('form').send(form({ _csrf: csrfOf(page.text) })).expect(303).expect('Location', '/login');
    await request(app.handler).get('/api/v1/me').set('Cookie', adminCookie).expect(401);
  });
});
