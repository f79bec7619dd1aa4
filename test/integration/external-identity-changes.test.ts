import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import request from 'supertest';
import { createApp, type KirjuriApp } from '../../core/app.ts';
import { cliInstance, type CliInstance } from '../helpers/cli-instance.ts';
import { freePort, startServe } from '../helpers/serve-process.ts';
import { createTestApp, testPasswordHasher, type TestApp } from '../helpers/create-test-app.ts';
import { createTestDatabase, forEachDatabase, type TestDatabase } from '../helpers/test-databases.ts';

const password = 'correct horse battery staple';

/** The session cookie (name=value) a response set. */
function sessionCookieOf(res: Response): string {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-kirjuri-session='));
  expect(cookie, 'a session cookie is set').to.be.a('string');
  return cookie!.split(';')[0]!;
}

forEachDatabase('a change made by another process', (kind) => {
  describe('kirjuri user disable beside a running kirjuri serve', function () {
    this.timeout(90_000);
    let database: TestDatabase;
    let cli: CliInstance;
    let server: ChildProcess | undefined;
    beforeEach(async () => {
      database = await createTestDatabase(kind);
      cli = cliInstance(database);
    });
    afterEach(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server!.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      cli.remove();
      await database.drop();
    });

    it('ends the user\'s live session and tokens on the running server at once', async () => {
      const setUp = cli.run(['setup', '--email', 'admin@example.com', '--password', password, '--name', 'Aino Admin', '--tenant-name', 'Rakennus Oy', '--tenant-slug', 'rakennus']);
      expect(setUp.status, setUp.stderr).to.equal(0);
      const made = cli.run(['user', 'create', '--email', 'mikko@example.com', '--name', 'Mikko Member', '--password', password, '--tenant', 'rakennus', '--role', 'member']);
      expect(made.status, made.stderr).to.equal(0);
      const started = await startServe({ ...cli.env, KIRJURI_TLS: 'false', KIRJURI_HOST: '127.0.0.1', KIRJURI_PORT: String(await freePort()) });
      server = started.child;
      const { url } = started;

      const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'mikko@example.com', password }) });
      expect(login.status).to.equal(200);
      const cookie = sessionCookieOf(login);
      const csrf = (await (await fetch(`${url}/api/v1/auth/csrf`, { headers: { cookie } })).json() as { token: string }).token;
      const minted = await fetch(`${url}/api/v1/me/tokens`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'laptop' }) });
      expect(minted.status).to.equal(201);
      const { token } = await minted.json() as { token: string };
      // Read twice: the server now holds the session, the user and their tenants in its read cache.
      for (let i = 0; i < 2; i += 1) expect((await fetch(`${url}/api/v1/me`, { headers: { cookie } })).status).to.equal(200);
      expect((await fetch(`${url}/api/v1/t/rakennus/folders`, { headers: { cookie } })).status).to.equal(200);

      const disabled = cli.run(['user', 'disable', '--email', 'mikko@example.com']);
      expect(disabled.status, disabled.stderr).to.equal(0);

      expect((await fetch(`${url}/api/v1/me`, { headers: { cookie } })).status).to.equal(401);
      expect((await fetch(`${url}/api/v1/t/rakennus/folders`, { headers: { cookie } })).status).to.equal(401);
      const mintAfter = await fetch(`${url}/api/v1/me/tokens`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'another' }) });
      expect(mintAfter.status).to.equal(401);
      expect((await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(401);
      const again = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'mikko@example.com', password }) });
      expect(again.status).to.equal(403);
    });
  });

  describe('another app node on the same database', () => {
    let app: TestApp;
    let other: KirjuriApp;
    let memberCookie: string;
    let memberId: string;
    beforeEach(async () => {
      app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
      other = await createApp(app.kirjuri.config, { passwordHasher: testPasswordHasher() });
      await request(app.handler).post('/api/v1/setup')
        .send({ token: 'test-setup-token-0123456789', email: 'admin@example.com', password, name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } }).expect(201);
      const tenant = (await app.kirjuri.identity.tenants.findBySlug('rakennus'))!;
      const hash = await app.kirjuri.identity.hasher.hash(password);
      memberId = await app.kirjuri.db.transaction(async (transaction) => {
        const user = await app.kirjuri.identity.users.create({ email: 'mikko@example.com', name: 'Mikko Member', passwordHash: hash }, transaction);
        await app.kirjuri.identity.memberships.add({ tenantId: tenant.id, userId: user.id, role: 'member' }, transaction);
        return user.id;
      });
      const login = await request(app.handler).post('/api/v1/auth/login').send({ email: 'mikko@example.com', password }).expect(200);
      memberCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='))!.split(';')[0]!;
      // Cached on this node: the session, the user and the membership.
      await request(app.handler).get('/api/v1/t/rakennus/members').set('Cookie', memberCookie).expect(403);
      await request(app.handler).get('/api/v1/me').set('Cookie', memberCookie).expect(200);
    });
    afterEach(async () => {
      await other?.close();
      await app?.close();
    });

    it('a role raised there counts here on the next request', async () => {
      const tenant = (await other.identity.tenants.findBySlug('rakennus'))!;
      await other.db.transaction((transaction) => other.identity.memberships.update(tenant.id, memberId, { role: 'manager' }, transaction));
      await request(app.handler).get('/api/v1/t/rakennus/members').set('Cookie', memberCookie).expect(200);
    });

    it('a membership removed there ends access here on the next request', async () => {
      await other.db.transaction((transaction) => other.db.sequelize.query('DELETE FROM kirjuri_memberships WHERE user_id = $1', { bind: [memberId], transaction }));
      await request(app.handler).get('/api/v1/t/rakennus/folders').set('Cookie', memberCookie).expect(404);
      const me = await request(app.handler).get('/api/v1/me').set('Cookie', memberCookie).expect(200);
      expect(me.body.tenants).to.deep.equal([]);
    });

    it('a password changed there ends the sessions here on the next request', async () => {
      const hash = await other.identity.hasher.hash('a brand new passphrase');
      await other.db.transaction(async (transaction) => {
        await other.identity.users.setPasswordHash(memberId, hash, { changed: true, transaction });
        await other.identity.sessions.destroyAllOfUser(memberId, { transaction });
      });
      await request(app.handler).get('/api/v1/me').set('Cookie', memberCookie).expect(401);
    });
  });
});
