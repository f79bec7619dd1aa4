import { expect } from 'chai';
import sinon from 'sinon';
import request from 'supertest';
import { PasswordHasher } from '../../core/identity/password-hasher.ts';
import { accountThrottleKey, ipThrottleKey } from '../../core/identity/login-throttle.ts';
import { median } from '../../bench/statistics.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';

const setupToken = 'session-setup-token-0123456789';
const password = 'correct horse battery staple';
const setupBody = { token: setupToken, email: 'aino@example.com', password, name: 'Aino', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } };

const cookieOf = (res: request.Response): string =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='))!.split(';')[0]!;

describe('session lifetimes and refusals', () => {
  let app: TestApp;
  let clock: sinon.SinonFakeTimers;
  beforeEach(async () => {
    app = await createTestApp('sqlite', { setup: { token: setupToken } });
    await request(app.handler).post('/api/v1/setup').send(setupBody).expect(201);
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
  });
  afterEach(async () => {
    clock.restore();
    await app.close();
  });

  const login = async (): Promise<string> => cookieOf(await request(app.handler).post('/api/v1/auth/login').send({ email: 'aino@example.com', password }).expect(200));

  it('a session idle for 30 minutes ends; one used every 29 minutes lives on', async () => {
    const cookie = await login();
    clock.tick(29 * 60_000);
    await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(200);
    clock.tick(29 * 60_000);
    await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(200);
    clock.tick(30 * 60_000 + 1);
    expect((await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(401)).body.error.code).to.equal('unauthenticated');
  });

  it('purgeExpired() (the hourly core.purge-sessions job) deletes idle and expired sessions and keeps live ones', async () => {
    await login();
    clock.tick(31 * 60_000);
    const live = await login();
    expect(await app.kirjuri.identity.sessions.purgeExpired()).to.be.at.least(1);
    const [{ n }] = await app.kirjuri.db.selectRows<{ n: number }>('SELECT COUNT(*) AS n FROM kirjuri_sessions', []);
    expect(Number(n)).to.equal(1);
    await request(app.handler).get('/api/v1/me').set('Cookie', live).expect(200);
    expect(app.kirjuri.scheduler.jobNames()).to.include('core.purge-sessions');
  });

  it('a session ends 12 hours after sign-in however active it is', async () => {
    const cookie = await login();
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      clock.tick(20 * 60_000);
      await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(200);
    }
    clock.tick(20 * 60_000);
    await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(401);
  });

  it('a disabled user\'s sessions and tokens stop working at once, and signing in says the account is disabled', async () => {
    const cookie = await login();
    // Used once first, so that on SQLite the session is in the per-process read cache when the user is disabled.
    await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(200);
    const user = (await app.kirjuri.identity.users.findByEmail('aino@example.com'))!;
    const { secret } = await app.kirjuri.identity.tokens.create({ userId: user.id, name: 'script', expiresAt: null });
    await app.kirjuri.db.transaction((t) => app.kirjuri.identity.users.setDisabled(user.id, true, t));
    await request(app.handler).get('/api/v1/me').set('Cookie', cookie).expect(401);
    await request(app.handler).get('/api/v1/me').set('Authorization', `Bearer ${secret}`).expect(401);
    expect((await request(app.handler).post('/api/v1/auth/login').send({ email: 'aino@example.com', password }).expect(403)).body.error.code).to.equal('account_disabled');
  });

  it('a re-hash at login upgrades a hash made with weaker parameters', async () => {
    const user = (await app.kirjuri.identity.users.findByEmail('aino@example.com'))!;
    const weak = await new PasswordHasher({ logN: 8, r: 8, p: 1 }).hash(password);
    await app.kirjuri.identity.users.setPasswordHash(user.id, weak, { changed: false });
    await login();
    const after = (await app.kirjuri.identity.users.findById(user.id))!.passwordHash!;
    expect(after).to.match(/^\$scrypt\$ln=10,/);
    await login();
  });
});

describe('unknown email and wrong password take the same time', function () {
  this.timeout(60_000);
  let app: TestApp;
  before(async () => {
    // A hash of about 50 ms, so that it, not the database, the network or a garbage collection, decides the time.
    app = await createTestApp('sqlite', { setup: { token: setupToken } }, { passwordHasher: new PasswordHasher({ logN: 15, r: 8, p: 1 }) });
    await request(app.handler).post('/api/v1/setup').send(setupBody).expect(201);
  });
  after(async () => app?.close());

  it('the median time of each is within 10 % of the other', async () => {
    const timeOf = async (email: string): Promise<number> => {
      await app.kirjuri.identity.throttle.clear([accountThrottleKey(email), ipThrottleKey('::ffff:127.0.0.1'), ipThrottleKey('127.0.0.1')]);
      const started = process.hrtime.bigint();
      await request(app.handler).post('/api/v1/auth/login').send({ email, password: 'not the right password' }).expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Warm-up: the first requests pay for JIT compilation and prepared statements.
    for (let i = 0; i < 3; i += 1) await Promise.all([timeOf('aino@example.com'), timeOf(`warm${i}@example.com`)]);
    for (let i = 0; i < 21; i += 1) {
      known.push(await timeOf('aino@example.com'));
      unknown.push(await timeOf(`nobody${i}@example.com`));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`).to.be.within(0.9, 1.1);
  });
});
