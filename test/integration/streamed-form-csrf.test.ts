import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, fixturePluginsDir, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, type AccessWorld } from '../helpers/access-world.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

// The echo fixture's streamed-form routes (test/fixtures/plugins/echo/plugin.ts): one verifies its
// `_csrf` field with verifyStreamedFormToken(), two forget to.
forEachDatabase('CSRF of forms read as a stream (streamBody: \'form\')', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let bearer: string;
  const notes = async (): Promise<string[]> => (await app.kirjuri.db.selectRows<{ text: string }>('SELECT text FROM echo_notes ORDER BY id', [])).map((row) => row.text);
  /** A form post with the member's session cookie and no X-CSRF-Token header, as a browser sends a plain HTML form. */
  const formPost = (path: string, body: string): request.Test =>
    request(app.handler).post(`/t/rakennus/echo/${path}`).set('Cookie', world.actors.member.cookie!).set('Sec-Fetch-Site', 'same-origin').set('Accept', 'application/json').type('form').send(body);

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' }, plugins: { extraDirs: [fixturePluginsDir], config: {} } });
    world = await buildAccessWorld(app);
    bearer = (await world.as('member', 'post', '/api/v1/me/tokens').send({ name: 'form test' }).expect(201)).body.token as string;
  });
  after(async () => app?.close());

  it('verifyStreamedFormToken() admits a form whose first field is the session\'s _csrf token, without the header', async () => {
    const res = await formPost('streamed-notes', `_csrf=${encodeURIComponent(world.actors.member.csrf!)}&text=first`).expect(201);
    expect(res.body.text).to.equal('first');
    expect(await notes()).to.include('first');
  });

  it('a streamed form without its _csrf field first, or with a wrong one, is refused (403) and nothing is kept', async () => {
    const before = await notes();
    for (const body of ['text=none', `text=late&_csrf=${encodeURIComponent(world.actors.member.csrf!)}`, '_csrf=wrong&text=wrong', '_csrf=&text=empty', `_csrf=${world.actors.viewer.csrf!}&text=other`]) {
      const res = await formPost('streamed-notes', body).expect(403);
      expect(res.body.error.code, body).to.equal('csrf_failed');
    }
    expect(await notes()).to.deep.equal(before);
  });

  it('the X-CSRF-Token header still works on a streamed form (checked by the policy), and a wrong header is refused before the handler', async () => {
    await formPost('streamed-notes', 'text=by-header').set('X-CSRF-Token', world.actors.member.csrf!).expect(201);
    await formPost('streamed-notes', `_csrf=${encodeURIComponent(world.actors.member.csrf!)}&text=bad-header`).set('X-CSRF-Token', 'wrong').expect(403);
    const notesNow = await notes();
    expect(notesNow).to.include('by-header').and.not.to.include('bad-header');
  });

  it('a bearer request needs no token; a cross-site form is refused by the policy whatever it carries', async () => {
    await request(app.handler).post('/t/rakennus/echo/streamed-notes').set('Authorization', `Bearer ${bearer}`).type('form').send('text=by-bearer').expect(201);
    const cross = await formPost('streamed-notes', `_csrf=${encodeURIComponent(world.actors.member.csrf!)}&text=cross`).set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect(cross.body.error.code).to.equal('csrf_failed');
    expect(await notes()).to.include('by-bearer').and.not.to.include('cross');
  });

  it('a streamed route that never verifies the token cannot commit an audited change, and its answer is replaced with a 403', async () => {
    const before = await notes();
    const write = await formPost('unverified-notes', `_csrf=${encodeURIComponent(world.actors.member.csrf!)}&text=forgotten`).expect(403);
    expect(write.body.error.code).to.equal('csrf_failed');
    const answer = await formPost('unverified-answer', `_csrf=${encodeURIComponent(world.actors.member.csrf!)}`).expect(403);
    expect(answer.body.error.code).to.equal('csrf_failed');
    expect(await notes()).to.deep.equal(before);
    // With the header the policy verified it, so the same routes work: the guard is only for a pending check.
    await formPost('unverified-notes', 'text=with-header').set('X-CSRF-Token', world.actors.member.csrf!).expect(201);
  });

  it('other routes keep the policy\'s check: a cookie request without the token is refused as before', async () => {
    const res = await request(app.handler).post('/api/v1/t/rakennus/folders').set('Cookie', world.actors.admin.cookie!).send({ name: 'No token' }).expect(403);
    expect(res.body.error.code).to.equal('csrf_failed');
    await request(app.handler).post('/api/v1/t/rakennus/folders').set('Cookie', world.actors.admin.cookie!).set('X-CSRF-Token', world.actors.admin.csrf!).send({ name: 'With token' }).expect(201);
  });
});
