import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, sessionCookieOf, worldPassword, type AccessWorld, type Actor } from '../helpers/access-world.ts';

describe('folder and sharing pages', () => {
  let app: TestApp;
  let world: AccessWorld;
  beforeEach(async () => {
    app = await createTestApp('sqlite', { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
  });
  afterEach(async () => app?.close());

  const page = (actor: Actor, path: string): request.Test => request(app.handler).get(path).set('Cookie', actor.cookie!).set('Accept', 'text/html');
  const submit = (actor: Actor, path: string, form: Record<string, string>): request.Test =>
    request(app.handler).post(path).set('Cookie', actor.cookie!).set('Sec-Fetch-Site', 'same-origin').type('form').send({ ...form, _csrf: actor.csrf! });

  it('an admin makes a folder and a subfolder from the pages and finds them with breadcrumbs; a bad name shows its error beside the field', async () => {
    const { admin } = world.actors;
    const home = await page(admin, '/t/rakennus').expect(200);
    expect(home.text).to.contain('New folder').and.to.contain('No folders yet');
    const bad = await submit(admin, '/t/rakennus/folders', { name: 'two\nlines' }).expect(422);
    expect(bad.text).to.match(/id="field-name-error"[^>]*>.*control characters/s);
    const made = await submit(admin, '/t/rakennus/folders', { name: 'Työmaa <Helsinki>' }).expect(303);
    const folderPath = made.headers.location as string;
    expect(folderPath).to.match(/^\/t\/rakennus\/folders\/[0-9a-f-]{36}$/);
    const sub = await submit(admin, `${folderPath}/folders`, { name: 'Viikko 47' }).expect(303);
    const subPage = await page(admin, sub.headers.location as string).expect(200);
    expect(subPage.text).to.contain('aria-label="Breadcrumb"').and.to.contain('Työmaa &lt;Helsinki&gt;').and.not.to.contain('<Helsinki>');
    expect(subPage.text).to.contain('Sharing').and.to.contain('Delete folder');
    const full = await submit(admin, `${folderPath}/delete`, {}).expect(409);
    expect(full.text).to.contain('still holds 1 folder');
  });

  it('sharing from a folder page: a member gets it at once, an outsider gets a link shown once that makes a guest, and revoking ends it', async () => {
    const { admin, member } = world.actors;
    const folderPath = (await submit(admin, '/t/rakennus/folders', { name: 'Shared site' }).expect(303)).headers.location as string;
    const id = folderPath.split('/').at(-1)!;
    const wrong = await submit(admin, '/t/rakennus/shares', { objectType: 'folder', objectId: id, back: folderPath, email: 'not an email', access: 'view', expires: '', message: '' }).expect(422);
    expect(wrong.text).to.match(/id="field-email-error"/);
    const toMember = await submit(admin, '/t/rakennus/shares', { objectType: 'folder', objectId: id, back: folderPath, email: 'member@example.com', access: 'edit', expires: '', message: '' }).expect(200);
    expect(toMember.text).to.contain('now has <strong>Edit</strong> access');
    expect((await page(member, '/t/rakennus').expect(200)).text).to.contain('Shared site');
    const toGuest = await submit(admin, '/t/rakennus/shares', { objectType: 'folder', objectId: id, back: folderPath, email: 'guest@example.org', access: 'view', expires: '2099-12-31', message: 'Katso\r\nkuvat' }).expect(200);
    const link = /\/invite\/([A-Za-z0-9_-]{43})/.exec(toGuest.text)![1]!;
    const invite = await request(app.handler).get(`/invite/${link}`).expect(200);
    expect(invite.text).to.contain('Shared site').and.to.contain('Katso');
    const accepted = await request(app.handler).post(`/invite/${link}`).set('Sec-Fetch-Site', 'same-origin').type('form').send({ name: 'Vieras', password: worldPassword }).expect(303);
    expect(accepted.headers.location).to.equal(folderPath);
    const guestCookie = sessionCookieOf(accepted);
    expect((await request(app.handler).get('/shared').set('Cookie', guestCookie).expect(200)).text).to.contain('Shared site');
    expect((await request(app.handler).get(`/invite/${link}`).expect(410)).text).to.contain('has been used');
    const panel = await page(admin, folderPath).expect(200);
    const shareIds = [...panel.text.matchAll(/\/t\/rakennus\/shares\/([0-9a-f-]{36})\/revoke/g)].map((m) => m[1]!);
    expect(shareIds).to.have.length(2);
    for (const shareId of shareIds) await submit(admin, `/t/rakennus/shares/${shareId}/revoke`, { back: folderPath }).expect(303);
    await page(member, folderPath).expect(404);
    await request(app.handler).get(folderPath).set('Cookie', guestCookie).set('Accept', 'text/html').expect(404);
  });
});

describe('tenant settings', () => {
  let app: TestApp;
  let world: AccessWorld;
  beforeEach(async () => {
    app = await createTestApp('sqlite', { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
  });
  afterEach(async () => app?.close());

  it('PATCH /settings changes the name and the audit retention (null: the instance default); bad values are 400 naming the field; admins only', async () => {
    expect((await world.as('admin', 'get', '/api/v1/t/rakennus/settings').expect(200)).body).to.deep.equal({ name: 'Rakennus Oy', retentionMonths: 12, retentionIsDefault: true });
    const changed = await world.as('admin', 'patch', '/api/v1/t/rakennus/settings').send({ name: 'Rakennus Oyj', retentionMonths: 36 }).expect(200);
    expect(changed.body).to.deep.equal({ name: 'Rakennus Oyj', retentionMonths: 36, retentionIsDefault: false });
    expect((await world.as('admin', 'get', '/api/v1/me').expect(200)).body.tenants.find((t: { slug: string }) => t.slug === 'rakennus').name).to.equal('Rakennus Oyj');
    expect((await world.as('admin', 'patch', '/api/v1/t/rakennus/settings').send({ retentionMonths: null }).expect(200)).body.retentionIsDefault).to.equal(true);
    for (const body of [{ retentionMonths: 0 }, { retentionMonths: 2.5 }, { name: '' }, { theme: 'x' }]) {
      const res = await world.as('admin', 'patch', '/api/v1/t/rakennus/settings').send(body).expect(400);
      expect(Object.keys(res.body.error.details.fields)).to.deep.equal(Object.keys(body));
    }
    await world.as('manager', 'patch', '/api/v1/t/rakennus/settings').send({ retentionMonths: 1 }).expect(403);
    await world.as('otherAdmin', 'get', '/api/v1/t/rakennus/settings').expect(404);
  });

  it('the administration page saves the settings and shows an error beside a bad field', async () => {
    const { admin } = world.actors;
    const form = (values: Record<string, string>): request.Test => request(app.handler).post('/t/rakennus/admin').set('Cookie', admin.cookie!).set('Sec-Fetch-Site', 'same-origin').type('form').send({ ...values, _csrf: admin.csrf! });
    const bad = await form({ name: 'Rakennus Oy', retentionMonths: '-3' }).expect(422);
    expect(bad.text).to.match(/id="field-retentionMonths-error"/);
    const ok = await form({ name: 'Rakennus Oy', retentionMonths: '24' }).expect(200);
    expect(ok.text).to.contain('The settings are saved').and.to.contain('value="24"');
  });
});
