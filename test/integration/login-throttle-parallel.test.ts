import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type KirjuriApp } from '../../core/app.ts';
import { PasswordHasher } from '../../core/identity/password-hasher.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const setupToken = 'test-setup-token-0123456789';
const password = 'correct horse battery staple';
// Slower than the tests' usual hasher, so that every attempt spends a while in the hash queue: the
// window the old check-then-count throttle let parallel attempts through.
const slowerHasher = (): PasswordHasher => new PasswordHasher({ logN: 13, r: 8, p: 1 });

/** Listens on 127.0.0.1 and answers the base URL and a close function. */
async function listen(kirjuri: KirjuriApp): Promise<{ url: string; server: Server }> {
  const server = createServer(kirjuri.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Posts a sign-in and answers its status. */
async function signIn(url: string, body: { email: string; password: string }, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/**
 * How many attempts the back-off lets be judged in `ms`: the 5 free ones, plus one each time a block
 * (1 s, then 2 s, 4 s, ...) ran out while the attempts were still arriving on a busy machine.
 */
function judgedAtMost(ms: number): number {
  return 5 + Math.floor(Math.log2(ms / 1000 + 1));
}

/** Runs the attempts at once; answers their statuses and how long they took. */
async function concurrently(attempts: Array<() => Promise<number>>): Promise<{ counts: Record<number, number>; judged: number; ms: number }> {
  const started = performance.now();
  const counts = tally(await Promise.all(attempts.map((attempt) => attempt())));
  return { counts, judged: (counts[401] ?? 0) + (counts[200] ?? 0), ms: performance.now() - started };
}

/** How many of each status. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The failures the throttle counts for a key now. */
async function failuresOf(kirjuri: KirjuriApp, key: string): Promise<number> {
  const [row] = await kirjuri.db.selectRows<{ failures: unknown }>('SELECT failures FROM kirjuri_login_throttle WHERE key = $1', [key]);
  return Number(row?.failures ?? 0);
}

forEachDatabase('parallel sign-in attempts', (kind) => {
  let app: TestApp;
  let url: string;
  let server: Server;
  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: setupToken }, server: { trustProxy: true } }, { passwordHasher: slowerHasher() });
    await app.kirjuri.db.transaction(async (transaction) => {
      await app.kirjuri.identity.users.create({ email: 'aino@example.com', name: 'Aino', passwordHash: await slowerHasher().hash(password) }, transaction);
    });
    ({ url, server } = await listen(app.kirjuri));
  });
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
  });

  it('signIn() counts 50 concurrent attempts on one account as 50: at most 5 are judged, the right password last gets 429', async () => {
    const { counts, judged, ms } = await concurrently(Array.from({ length: 50 }, (_, i) => () => signIn(url, { email: 'aino@example.com', password: i === 49 ? password : `wrong guess number ${i}` })));
    expect(judged, JSON.stringify(counts)).to.be.at.most(judgedAtMost(ms));
    expect(counts[429], JSON.stringify(counts)).to.equal(50 - judged);
    // Each judged wrong attempt is counted once, none lost to the race (a right one judged clears the account).
    const counted = await failuresOf(app.kirjuri, 'account:aino@example.com');
    if (counts[200]) expect(counted).to.be.at.most(counts[401] ?? 0);
    else expect(counted).to.equal(counts[401] ?? 0);
  });

  it('signIn() blocks one forwarded address after 5 of 120 concurrent attempts across many accounts', async () => {
    const { counts, judged, ms } = await concurrently(Array.from({ length: 120 }, (_, i) => () => signIn(url, { email: i === 119 ? 'aino@example.com' : `guess${i}@example.com`, password: i === 119 ? password : 'some password here' }, { 'x-forwarded-for': '203.0.113.7' })));
    expect(judged, JSON.stringify(counts)).to.be.at.most(judgedAtMost(ms));
    expect(await failuresOf(app.kirjuri, 'ip:203.0.113.7')).to.equal(counts[401] ?? 0);
    // Another address is not held up by that one.
    expect(await signIn(url, { email: 'aino@example.com', password }, { 'x-forwarded-for': '198.51.100.2' })).to.equal(200);
  });

  it('signIn() shares the count between two app nodes on one database', async () => {
    const second = await createApp(app.kirjuri.config, { passwordHasher: slowerHasher() });
    const other = await listen(second);
    try {
      const { counts, judged, ms } = await concurrently(Array.from({ length: 60 }, (_, i) => () => signIn(i % 2 ? url : other.url, { email: 'aino@example.com', password: `wrong guess number ${i}` }, { 'x-forwarded-for': `198.51.100.${i}` })));
      expect(judged, JSON.stringify(counts)).to.be.at.most(judgedAtMost(ms));
      expect(await failuresOf(app.kirjuri, 'account:aino@example.com')).to.equal(counts[401] ?? 0);
    } finally {
      await new Promise((resolve) => other.server.close(resolve));
      await second.close();
    }
  });

  it('signIn() hands the attempt back when the password was right, so an office address is never blocked by its own sign-ins', async () => {
    for (let i = 0; i < 8; i += 1) expect(await signIn(url, { email: 'aino@example.com', password }, { 'x-forwarded-for': '192.0.2.10' })).to.equal(200);
    expect(await failuresOf(app.kirjuri, 'ip:192.0.2.10')).to.equal(0);
    expect(await failuresOf(app.kirjuri, 'account:aino@example.com')).to.equal(0);
  });
});
