import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, fixturePluginsDir, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const setupToken = 'test-setup-token-0123456789';
const adminPassword = 'correct horse battery staple';

/** The session cookie (name=value) a response set, for the next request's Cookie header. */
function sessionCookieOf(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('__Host-kirjuri-session='));
  expect(cookie, 'a session cookie is set').to.be.a('string');
  return cookie!.split(';')[0]!;
}

const setupBody = { token: setupToken, email: 'Admin@Example.com', password: adminPassword, name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } };

forEachDatabase('setup, sign-in and sessions', (kind) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: setupToken }, plugins: { extraDirs: [fixturePluginsDir], config: {} } });
  });
  afterEach(async () => app?.close());

  it('POST /api/v1/setup creates the admin and tenant, signs them in, and answers 409 for ever after', async () => {
    const res = await request(app.handler).post('/api/v1/setup').send(setupBody).expect(201);
    expect(res.body.user).to.include({ email: 'admin@example.com', name: 'Aino Admin', isInstanceAdmin: true });
    expect(res.body.tenant).to.include({ slug: 'rakennus', name: 'Rakennus Oy' });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='))!;
    expect(cookie).to.match(/; path=\//i).and.to.match(/; secure/i).and.to.match(/; httponly/i).and.to.match(/; samesite=lax/i);
    expect(cookie).not.to.match(/; domain=/i);
    const me = await request(app.handler).get('/api/v1/me').set('Cookie', sessionCookieOf(res)).expect(200);
    expect(me.body.tenants).to.deep.equal([{ slug: 'rakennus', name: 'Rakennus Oy', role: 'admin' }]);
    const again = await request(app.handler).post('/api/v1/setup').send({ ...setupBody, email: 'other@example.com' }).expect(409);
    expect(again.body.error.code).to.equal('already_set_up');
  });

  it('POST /api/v1/setup refuses a wrong token (403), a weak password (422 naming it) and a bad slug (400), creating nothing', async () => {
    expect((await request(app.handler).post('/api/v1/setup').send({ ...setupBody, token: 'wrong-token-wrong-token' }).expect(403)).body.error.code).to.equal('invalid_setup_token');
    const short = await request(app.handler).post('/api/v1/setup').send({ ...setupBody, password: 'elevenchars' }).expect(422);
    expect(short.body.error.details.fields.password).to.be.a('string');
    const common = await request(app.handler).post('/api/v1/setup').send({ ...setupBody, password: 'password1234' }).expect(422);
    expect(common.body.error.code).to.equal('weak_password');
    expect((await request(app.handler).post('/api/v1/setup').send({ ...setupBody, tenant: { name: 'X', slug: 'Bad Slug!' } }).expect(400)).body.error.code).to.equal('invalid_slug');
    expect(await app.kirjuri.identity.users.anyExists()).to.equal(false);
    await request(app.handler).post('/api/v1/setup').send(setupBody).expect(201);
  });

  describe('after setup', () => {
    let adminCookie: string;
    beforeEach(async () => {
      adminCookie = sessionCookieOf(await request(app.handler).post('/api/v1/setup').send(setupBody).expect(201));
    });

    it('POST /api/v1/auth/login answers the user, tenants and mfaRequired:false with a new session cookie', async () => {
      const res = await request(app.handler).post('/api/v1/auth/login').send({ email: ' ADMIN@example.com ', password: adminPassword }).expect(200);
      expect(res.body).to.deep.include({ mfaRequired: false, tenants: [{ slug: 'rakennus', name: 'Rakennus Oy', role: 'admin' }] });
      expect(res.body.user.email).to.equal('admin@example.com');
      expect(sessionCookieOf(res)).not.to.equal(adminCookie);
    });

    it('a wrong password and an unknown email get the same 401 body', async () => {
      const wrong = await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: 'not the password at all' }).expect(401);
      const unknown = await request(app.handler).post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: 'not the password at all' }).expect(401);
      const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: undefined });
      expect(strip(wrong.body)).to.deep.equal(strip(unknown.body));
      expect(wrong.body.error.code).to.equal('invalid_credentials');
      expect(wrong.headers['set-cookie']).to.equal(undefined);
    });

    it('logout ends the session on the server: the old cookie no longer works (a replayed logout is refused)', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie).expect(200)).body.token as string;
      const out = await request(app.handler).post('/api/v1/auth/logout').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).expect(204);
      expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).to.match(/__Host-kirjuri-session=;/);
      await request(app.handler).get('/api/v1/me').set('Cookie', adminCookie).expect(401);
      const replay = await request(app.handler).post('/api/v1/auth/logout').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).expect(401);
      expect(replay.body.error.code).to.equal('unauthenticated');
    });

    it('an unsafe cookie request without the CSRF token, with a wrong one, or from another site is refused with 403', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie).expect(200)).body.token as string;
      expect((await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).send({ name: 'ci' }).expect(403)).body.error.code).to.equal('csrf_failed');
      await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', `${csrf}x`).send({ name: 'ci' }).expect(403);
      await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).set('Sec-Fetch-Site', 'cross-site').send({ name: 'ci' }).expect(403);
      await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).set('Origin', 'https://evil.example').send({ name: 'ci' }).expect(403);
      await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).set('Sec-Fetch-Site', 'same-origin').send({ name: 'ci' }).expect(201);
    });

    it('a personal API token is shown once, acts as its user without CSRF, and stops working when revoked', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      // The "tokens" scope lets it list and revoke tokens itself (api-token-scopes.test.ts: without it, 403).
      const made = await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send({ name: 'laptop', scopes: ['tokens'] }).expect(201);
      expect(made.body.token).to.match(/^kjr_[A-Za-z0-9_-]{43}$/);
      const bearer = `Bearer ${made.body.token as string}`;
      expect((await request(app.handler).get('/api/v1/me').set('Authorization', bearer).expect(200)).body.user.email).to.equal('admin@example.com');
      const listed = await request(app.handler).get('/api/v1/me/tokens').set('Authorization', bearer).expect(200);
      expect(JSON.stringify(listed.body)).not.to.contain(made.body.token);
      expect(listed.body.items[0]).to.include({ id: made.body.id, name: 'laptop', revoked: false });
      await request(app.handler).delete(`/api/v1/me/tokens/${made.body.id as string}`).set('Authorization', bearer).expect(204);
      await request(app.handler).get('/api/v1/me').set('Authorization', bearer).expect(401);
      await request(app.handler).get('/api/v1/me').set('Authorization', 'Bearer kjr_not-a-real-token').expect(401);
    });

    it('a token with an expiry in the past is refused; one that expired stops working', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      const past = await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send({ name: 'old', expiresAt: '2000-01-01T00:00:00Z' }).expect(422);
      expect(past.body.error.details.fields.expiresAt).to.be.a('string');
      const soon = new Date(Date.now() + 1500).toISOString();
      const made = await request(app.handler).post('/api/v1/me/tokens').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send({ name: 'brief', expiresAt: soon }).expect(201);
      await request(app.handler).get('/api/v1/me').set('Authorization', `Bearer ${made.body.token as string}`).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      await request(app.handler).get('/api/v1/me').set('Authorization', `Bearer ${made.body.token as string}`).expect(401);
    });

    it('changing the password needs the current one, refuses a weak one, and ends the other sessions', async () => {
      const other = sessionCookieOf(await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: adminPassword }).expect(200));
      await request(app.handler).get('/api/v1/me').set('Cookie', other).expect(200);
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      const change = (body: object) => request(app.handler).post('/api/v1/me/password').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send(body);
      expect((await change({ currentPassword: 'wrong wrong wrong', newPassword: 'a brand new passphrase' }).expect(403)).body.error.code).to.equal('wrong_password');
      expect((await change({ currentPassword: adminPassword, newPassword: 'short' }).expect(422)).body.error.details.fields.newPassword).to.be.a('string');
      await change({ currentPassword: adminPassword, newPassword: 'a brand new passphrase' }).expect(204);
      await request(app.handler).get('/api/v1/me').set('Cookie', adminCookie).expect(200);
      await request(app.handler).get('/api/v1/me').set('Cookie', other).expect(401);
      await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: adminPassword }).expect(401);
      await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: 'a brand new passphrase' }).expect(200);
    });

    it('after 5 failures an account is throttled with 429 and Retry-After, even with the right password', async () => {
      for (let i = 0; i < 5; i += 1) await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: `wrong password ${i}` }).expect(401);
      const blocked = await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: adminPassword }).expect(429);
      expect(blocked.body.error.code).to.equal('too_many_attempts');
      expect(Number(blocked.headers['retry-after'])).to.be.within(1, 2);
      // The way back: an administrator's one-time link sets a new password and lifts the block at once.
      const admin = (await app.kirjuri.identity.users.findByEmail('admin@example.com'))!;
      const link = await app.kirjuri.db.transaction((t) => app.kirjuri.identity.resets.create(admin.id, null, t));
      await request(app.handler).post('/api/v1/auth/reset').send({ token: link.secret, password: 'a fresh passphrase now' }).expect(204);
      // The account's block is gone; the address's own 1 s back-off (same 5 failures) still runs out first.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: 'a fresh passphrase now' }).expect(200);
    });

    it('after 5 failures from one address, sign-in from it is throttled whichever accounts it tries', async () => {
      for (let i = 0; i < 5; i += 1) await request(app.handler).post('/api/v1/auth/login').send({ email: `guess${i}@example.com`, password: 'some password here' }).expect(401);
      const blocked = await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: adminPassword }).expect(429);
      expect(blocked.body.error.code).to.equal('too_many_attempts');
    });

    it('a plugin route behind tenantRole() sees the request\'s actor; a non-member gets 404 and a too-low role 403', async () => {
      const res = await request(app.handler).get('/api/v1/t/rakennus/echo/whoami').set('Cookie', adminCookie).set('X-Request-Id', 'ignored-from-client').expect(200);
      expect(res.body).to.include({ email: 'admin@example.com', via: 'session', tenant: 'rakennus', role: 'admin' });
      expect(res.body.ip).to.be.a('string').and.not.equal('');
      expect(res.body.requestId).to.equal(res.headers['x-request-id']);
      await request(app.handler).get('/api/v1/t/other/echo/whoami').set('Cookie', adminCookie).expect(404);
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      await request(app.handler).post('/api/v1/t/rakennus/members').set('Cookie', adminCookie).set('X-CSRF-Token', csrf)
        .send({ email: 'ville@example.com', name: 'Ville', role: 'viewer', password: 'viewer passphrase here' }).expect(201);
      const viewer = sessionCookieOf(await request(app.handler).post('/api/v1/auth/login').send({ email: 'ville@example.com', password: 'viewer passphrase here' }).expect(200));
      expect((await request(app.handler).get('/api/v1/t/rakennus/echo/whoami').set('Cookie', viewer).expect(403)).body.error.code).to.equal('forbidden');
      await request(app.handler).get('/api/v1/t/rakennus/echo/whoami').expect(401);
    });

    it('members API: an invitation, a new person with a password joins at first sign-in, one without sets it by the link; roles change, the last admin stays', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      const post = (body: object) => request(app.handler).post('/api/v1/t/rakennus/members').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send(body);
      const linked = await post({ email: 'maija@example.com', name: 'Maija', role: 'member' }).expect(201);
      expect(linked.body.invitation).to.include({ email: 'maija@example.com', name: 'Maija', role: 'member', status: 'invited' });
      expect(linked.body.inviteUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/invite\/[A-Za-z0-9_-]{43}$/);
      expect(linked.headers['cache-control']).to.equal('no-store');
      expect((await post({ email: 'maija@example.com', name: 'Maija', role: 'member' }).expect(409)).body.error.code).to.equal('already_invited');
      const weak = await post({ email: 'weak@example.com', name: 'Weak', role: 'member', password: 'password1234' }).expect(422);
      expect(weak.body.error.details.fields.password).to.match(/commonly used/);
      // No password: the link makes the account and the membership, and signs in; it works once.
      const token = (linked.body.inviteUrl as string).split('/invite/')[1]!;
      const joined = await request(app.handler).post(`/api/v1/invites/${token}`).send({ name: 'Maija Mäkinen', password: 'maija passphrase here' }).expect(201);
      expect(joined.body).to.deep.include({ kind: 'member', role: 'member', tenant: { slug: 'rakennus', name: 'Rakennus Oy' } });
      expect(joined.body.user).to.include({ email: 'maija@example.com', name: 'Maija Mäkinen' });
      await request(app.handler).post(`/api/v1/invites/${token}`).send({ name: 'Maija', password: 'maija passphrase here' }).expect(410);
      const maija = sessionCookieOf(await request(app.handler).post('/api/v1/auth/login').send({ email: 'maija@example.com', password: 'maija passphrase here' }).expect(200));
      expect((await request(app.handler).get('/api/v1/me').set('Cookie', maija).expect(200)).body.tenants).to.deep.equal([{ slug: 'rakennus', name: 'Rakennus Oy', role: 'member' }]);
      // A password: the account is made at once, and joins when it first signs in.
      await post({ email: 'ville@example.com', name: 'Ville', role: 'viewer', password: 'ville passphrase here' }).expect(201);
      const ville = await request(app.handler).post('/api/v1/auth/login').send({ email: 'ville@example.com', password: 'ville passphrase here' }).expect(200);
      expect(ville.body.tenants).to.deep.equal([{ slug: 'rakennus', name: 'Rakennus Oy', role: 'viewer' }]);
      await post({ email: 'ville@example.com', name: 'Ville', role: 'viewer' }).expect(409);
      const userId = joined.body.user.id as string;
      const patch = (id: string, body: object) => request(app.handler).patch(`/api/v1/t/rakennus/members/${id}`).set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send(body);
      expect((await patch(userId, { role: 'manager' }).expect(200)).body).to.include({ role: 'manager', status: 'active' });
      expect((await patch(userId, { disabled: true }).expect(200)).body).to.include({ status: 'disabled', memberDisabled: true });
      await request(app.handler).get('/api/v1/t/rakennus/members').set('Cookie', maija).expect(404);
      const me = (await request(app.handler).get('/api/v1/me').set('Cookie', adminCookie)).body.user.id as string;
      expect((await patch(me, { role: 'member' }).expect(409)).body.error.code).to.equal('last_admin');
      await patch('no-such-user', { role: 'member' }).expect(404);
      expect((await patch(userId, { tenantId: 'x' }).expect(400)).body.error.details.fields.tenantId).to.equal('is not an accepted field');
      const list = await request(app.handler).get('/api/v1/t/rakennus/members').set('Cookie', adminCookie).expect(200);
      expect(list.body.items.map((m: { email: string }) => m.email)).to.have.members(['admin@example.com', 'maija@example.com', 'ville@example.com']);
      expect(list.body.invitations).to.deep.equal([]);
    });

    it('instance admins create tenants (409 taken, 400 malformed); others get 403', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      const create = (body: object) => request(app.handler).post('/api/v1/admin/tenants').set('Cookie', adminCookie).set('X-CSRF-Token', csrf).send(body);
      expect((await create({ name: 'Toinen Oy', slug: 'toinen' }).expect(201)).body).to.include({ slug: 'toinen', name: 'Toinen Oy' });
      expect((await create({ name: 'Again', slug: 'toinen' }).expect(409)).body.error.code).to.equal('slug_taken');
      expect((await create({ name: 'Bad', slug: '-bad-' }).expect(400)).body.error.code).to.equal('invalid_slug');
      await request(app.handler).post('/api/v1/t/rakennus/members').set('Cookie', adminCookie).set('X-CSRF-Token', csrf)
        .send({ email: 'ville@example.com', name: 'Ville', role: 'admin', password: 'ville passphrase here' }).expect(201);
      const ville = await request(app.handler).post('/api/v1/auth/login').send({ email: 'ville@example.com', password: 'ville passphrase here' }).expect(200);
      const villeCsrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', sessionCookieOf(ville))).body.token as string;
      await request(app.handler).post('/api/v1/admin/tenants').set('Cookie', sessionCookieOf(ville)).set('X-CSRF-Token', villeCsrf).send({ name: 'X', slug: 'x' }).expect(403);
      await request(app.handler).get('/api/v1/admin/tenants').set('Cookie', sessionCookieOf(ville)).expect(403);
    });

    it('a tenant admin may not make a password link for someone who also belongs to another tenant', async () => {
      const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', adminCookie)).body.token as string;
      await request(app.handler).post('/api/v1/t/rakennus/members').set('Cookie', adminCookie).set('X-CSRF-Token', csrf)
        .send({ email: 'ville@example.com', name: 'Ville', role: 'admin', password: 'ville passphrase here' }).expect(201);
      const ville = sessionCookieOf(await request(app.handler).post('/api/v1/auth/login').send({ email: 'ville@example.com', password: 'viewer passphrase here'.replace('viewer', 'ville') }).expect(200));
      const villeCsrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', ville)).body.token as string;
      const me = (await request(app.handler).get('/api/v1/me').set('Cookie', adminCookie)).body.user.id as string;
      const refused = await request(app.handler).post(`/api/v1/t/rakennus/members/${me}/password-reset`).set('Cookie', ville).set('X-CSRF-Token', villeCsrf).expect(403);
      expect(refused.body.error.code).to.equal('reset_not_allowed');
      const villeId = (await request(app.handler).get('/api/v1/me').set('Cookie', ville)).body.user.id as string;
      expect((await request(app.handler).post(`/api/v1/t/rakennus/members/${villeId}/password-reset`).set('Cookie', adminCookie).set('X-CSRF-Token', csrf).expect(201)).body.resetUrl).to.contain('/reset?token=');
    });

    it('mass-assigned or unknown fields are refused with 400', async () => {
      const res = await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: adminPassword, role: 'admin' }).expect(400);
      expect(res.body.error.details.fields.role).to.equal('is not an accepted field');
    });
  });
});
