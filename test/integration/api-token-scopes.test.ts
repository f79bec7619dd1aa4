import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { hashSecret, newSecret } from '../../core/identity/secret-token.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const setupToken = 'test-setup-token-0123456789';
const adminPassword = 'correct horse battery staple';
const setupBody = { token: setupToken, email: 'admin@example.com', password: adminPassword, name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } };

function sessionCookieOf(res: request.Response): string {
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='));
  expect(cookie, 'a session cookie is set').to.be.a('string');
  return cookie!.split(';')[0]!;
}

forEachDatabase('API token scopes', (kind) => {
  let app: TestApp;
  let cookie: string;
  let csrf: string;

  /** Makes a token with the session; returns its id and the Authorization header value. */
  const makeToken = async (body: Record<string, unknown>): Promise<{ id: string; bearer: string; body: Record<string, unknown> }> => {
    const made = await request(app.handler).post('/api/v1/me/tokens').set('Cookie', cookie).set('X-CSRF-Token', csrf).send(body).expect(201);
    return { id: made.body.id as string, bearer: `Bearer ${made.body.token as string}`, body: made.body as Record<string, unknown> };
  };
  const auditDetailsOf = async (action: string): Promise<Array<Record<string, unknown>>> => {
    const rows = await app.kirjuri.db.sequelize.query<{ details: string }>(
      "SELECT details FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND action = $1 ORDER BY seq", { bind: [action], type: QueryTypes.SELECT });
    return rows.map((row) => JSON.parse(row.details) as Record<string, unknown>);
  };

  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: setupToken } });
    cookie = sessionCookieOf(await request(app.handler).post('/api/v1/setup').send(setupBody).expect(201));
    csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', cookie).expect(200)).body.token as string;
  });
  afterEach(async () => app?.close());

  it('POST /api/v1/me/tokens answers 403 naming the scope when a token without the "tokens" scope asks, and the token keeps its user\'s other rights', async () => {
    const plain = await makeToken({ name: 'ci' });
    expect(plain.body.scopes).to.deep.equal([]);
    const minted = await request(app.handler).post('/api/v1/me/tokens').set('Authorization', plain.bearer).send({ name: 'more' }).expect(403);
    expect(minted.body.error.code).to.equal('token_scope_missing');
    expect(minted.body.error.message).to.contain('"tokens" scope');
    expect((await request(app.handler).get('/api/v1/me/tokens').set('Authorization', plain.bearer).expect(403)).body.error.code).to.equal('token_scope_missing');
    await request(app.handler).delete(`/api/v1/me/tokens/${plain.id}`).set('Authorization', plain.bearer).expect(403);
    expect((await request(app.handler).post('/me/tokens').set('Authorization', plain.bearer).type('form').send({ tokenName: 'page' })).status).to.equal(403);
    // Still its user everywhere else: the tenant's folders, the own profile.
    await request(app.handler).get('/api/v1/t/rakennus/folders').set('Authorization', plain.bearer).expect(200);
    expect((await request(app.handler).get('/api/v1/me').set('Authorization', plain.bearer).expect(200)).body.user.email).to.equal('admin@example.com');
    const tokens = (await request(app.handler).get('/api/v1/me/tokens').set('Cookie', cookie).expect(200)).body.items as unknown[];
    expect(tokens).to.have.length(1);
    await app.kirjuri.audit.log.flush();
    expect((await auditDetailsOf('access.denied')).map((d) => d.reason)).to.include('token_scope_missing');
  });

  it('a token with the "tokens" scope lists, makes and revokes tokens; what it makes has no scope it lacks and expires no later than it does', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const manager = await makeToken({ name: 'manager', scopes: ['tokens'], expiresAt });
    expect(manager.body.scopes).to.deep.equal(['tokens']);
    const listed = (await request(app.handler).get('/api/v1/me/tokens').set('Authorization', manager.bearer).expect(200)).body.items as Array<{ id: string; scopes: string[] }>;
    expect(listed.find((t) => t.id === manager.id)?.scopes).to.deep.equal(['tokens']);
    const child = await request(app.handler).post('/api/v1/me/tokens').set('Authorization', manager.bearer).send({ name: 'child' }).expect(201);
    expect(child.body.scopes).to.deep.equal([]);
    expect(child.body.expiresAt).to.equal(expiresAt);
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const tooLong = await request(app.handler).post('/api/v1/me/tokens').set('Authorization', manager.bearer).send({ name: 'forever', expiresAt: later }).expect(422);
    expect(tooLong.body.error.details.fields.expiresAt).to.contain('no later than');
    const scoped = await request(app.handler).post('/api/v1/me/tokens').set('Authorization', manager.bearer).send({ name: 'deputy', scopes: ['tokens'] }).expect(201);
    expect(scoped.body.scopes).to.deep.equal(['tokens']);
    // The child has no tokens scope, so it cannot mint in turn.
    await request(app.handler).post('/api/v1/me/tokens').set('Authorization', `Bearer ${child.body.token as string}`).send({ name: 'grandchild' }).expect(403);
    await request(app.handler).delete(`/api/v1/me/tokens/${child.body.id as string}`).set('Authorization', manager.bearer).expect(204);
    await request(app.handler).get('/api/v1/me').set('Authorization', `Bearer ${child.body.token as string}`).expect(401);
    expect((await request(app.handler).post('/api/v1/me/tokens').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ name: 'x', scopes: ['everything'] }).expect(400)).body.error.details.fields).to.have.property('scopes.0');
  });

  it('POST /api/v1/me/password and POST /me/password answer 403 to any API token, even one with scopes, and the password stays', async () => {
    const manager = await makeToken({ name: 'manager', scopes: ['tokens'] });
    const change = { currentPassword: adminPassword, newPassword: 'a token chose this one' };
    const refused = await request(app.handler).post('/api/v1/me/password').set('Authorization', manager.bearer).send(change).expect(403);
    expect(refused.body.error.code).to.equal('session_required');
    expect(refused.body.error.message).to.match(/API token may never change the password/);
    const page = await request(app.handler).post('/me/password').set('Authorization', manager.bearer).set('Accept', 'text/html').type('form').send(change);
    expect(page.status).to.equal(403);
    expect(page.text).to.contain('API token may never change the password');
    await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: adminPassword }).expect(200);
    await request(app.handler).post('/api/v1/auth/login').send({ email: 'admin@example.com', password: change.newPassword }).expect(401);
    // The signed-in session still may.
    await request(app.handler).post('/api/v1/me/password').set('Cookie', cookie).set('X-CSRF-Token', csrf).send(change).expect(204);
  });

  it('token.create is audited with the token\'s scopes, and token.revoke with who revoked it', async () => {
    const manager = await makeToken({ name: 'manager', scopes: ['tokens'] });
    const child = await request(app.handler).post('/api/v1/me/tokens').set('Authorization', manager.bearer).send({ name: 'child' }).expect(201);
    await request(app.handler).delete(`/api/v1/me/tokens/${child.body.id as string}`).set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    const created = await auditDetailsOf('token.create');
    expect(created).to.deep.equal([
      { name: 'manager', scopes: ['tokens'], expiresAt: null, via: 'session' },
      { name: 'child', scopes: [], expiresAt: null, via: 'token', byToken: manager.id },
    ]);
    expect(await auditDetailsOf('token.revoke')).to.deep.equal([{ via: 'session' }]);
    // Also in the admin's tenant's own chain.
    const tenant = await app.kirjuri.identity.tenants.findBySlug('rakennus');
    const inTenant = await app.kirjuri.db.sequelize.query("SELECT seq FROM kirjuri_audit_entries WHERE chain_id = $1 AND action = 'token.create'", { bind: [tenant!.id], type: QueryTypes.SELECT });
    expect(inTenant).to.have.length(2);
  });

  it('a token made before scopes existed (no scopes column value) acts for its user but manages no tokens', async () => {
    const secret = `kjr_${newSecret()}`;
    const user = (await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(200)).body.user as { id: string };
    await app.kirjuri.db.transaction((t) => app.kirjuri.db.execute(
      'INSERT INTO kirjuri_api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)', ['legacy-token-1', user.id, 'old script', hashSecret(secret), Date.now()], t));
    await request(app.handler).get('/api/v1/t/rakennus/folders').set('Authorization', `Bearer ${secret}`).expect(200);
    await request(app.handler).get('/api/v1/me/tokens').set('Authorization', `Bearer ${secret}`).expect(403);
    const listed = (await request(app.handler).get('/api/v1/me/tokens').set('Cookie', cookie).expect(200)).body.items as Array<{ id: string; scopes: string[] }>;
    expect(listed.find((t) => t.id === 'legacy-token-1')?.scopes).to.deep.equal([]);
  });

  it('the profile page says in words what each token may do, makes a token with the "tokens" scope from its checkbox, and hides tokens from a token without it', async () => {
    await makeToken({ name: 'plain script' });
    const made = await request(app.handler).post('/me/tokens').set('Cookie', cookie).type('form').send({ _csrf: csrf, tokenName: 'token manager', tokenScopeTokens: 'true' }).expect(200);
    expect(made.text).to.contain('The token &quot;token manager&quot; is made.');
    const page = (await request(app.handler).get('/me').set('Cookie', cookie).expect(200)).text;
    expect(page).to.contain('Acts with your rights on records, files and folders, and may list, make and revoke your API tokens; cannot change your password.');
    expect(page).to.contain('Acts with your rights on records, files and folders; cannot manage tokens or change your password.');
    const plain = await makeToken({ name: 'reader' });
    const asToken = (await request(app.handler).get('/me').set('Authorization', plain.bearer).expect(200)).text;
    expect(asToken).not.to.contain('plain script');
    expect(asToken).to.contain('This API token may not see or manage tokens');
    expect(asToken).to.contain('An API token cannot change the password');
  });
});
