import { expect } from 'chai';
import sinon from 'sinon';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { acceptAsGuest, buildAccessWorld, inviteOutsider, signInActor, worldPassword, type AccessWorld } from '../helpers/access-world.ts';

forEachDatabase('shares and guests', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let t: string;
  let folder: string;
  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    t = `/api/v1/t/${world.tenant}`;
    folder = (await world.as('admin', 'post', `${t}/folders`).send({ name: 'Site' }).expect(201)).body.id as string;
  });
  afterEach(async () => {
    sinon.restore();
    await app?.close();
  });
  const share = (actor: 'admin' | 'member' | 'viewer' | 'guest', body: Record<string, unknown>): request.Test =>
    world.as(actor, 'post', `${t}/shares`).send({ objectType: 'folder', objectId: folder, access: 'view', ...body });

  it('a member gets access at once (no invite link); revoking takes it away at once', async () => {
    await world.as('member', 'get', `${t}/folders/${folder}`).expect(404);
    const res = await share('admin', { email: 'MEMBER@example.com', access: 'edit' }).expect(201);
    expect(res.body.inviteUrl).to.equal(null);
    expect(res.body.share).to.include({ email: 'member@example.com', access: 'edit', pending: false });
    expect((await world.as('member', 'get', `${t}/folders/${folder}`).expect(200)).body.access).to.equal('edit');
    await world.as('admin', 'delete', `${t}/shares/${res.body.id}`).expect(204);
    await world.as('member', 'get', `${t}/folders/${folder}`).expect(404);
    await world.as('admin', 'delete', `${t}/shares/${res.body.id}`).expect(404);
  });

  it('an outside email gets a single-use invite that makes a guest who sees only what is shared; used, revoked or expired invites answer 410', async () => {
    const other = (await world.as('admin', 'post', `${t}/folders`).send({ name: 'Other' }).expect(201)).body.id as string;
    const token = await inviteOutsider(world, world.actors.admin, { type: 'folder', id: folder }, 'guest@example.com', 'view');
    expect((await request(app.handler).post(`/api/v1/invites/${token}`).send({ name: 'Guest' }).expect(400)).body.error.details.fields).to.have.property('password');
    expect((await request(app.handler).post(`/api/v1/invites/${token}`).send({ name: 'Guest', password: 'password1234' }).expect(422)).body.error.code).to.equal('weak_password');
    const guest = await acceptAsGuest(world, token);
    expect((await world.as(guest, 'get', `${t}/folders/${folder}`).expect(200)).body.access).to.equal('view');
    await world.as(guest, 'get', `${t}/folders/${other}`).expect(404);
    await world.as(guest, 'patch', `${t}/folders/${folder}`).send({ name: 'x' }).expect(403);
    await world.as(guest, 'get', `${t}/members`).expect(404);
    expect((await world.as(guest, 'get', `${t}/folders`).expect(200)).body.items.map((f: { id: string }) => f.id)).to.deep.equal([folder]);
    const me = await world.as(guest, 'get', '/api/v1/me').expect(200);
    expect(me.body.tenants).to.deep.equal([]);
    expect((await request(app.handler).post(`/api/v1/invites/${token}`).send({ name: 'Again', password: worldPassword }).expect(410)).body.error.code).to.equal('invite_gone');
    const revokedToken = await inviteOutsider(world, world.actors.admin, { type: 'folder', id: other }, 'someone@example.org');
    const shares = (await world.as('admin', 'get', `${t}/shares?objectType=folder&objectId=${other}`).expect(200)).body.items as Array<{ id: string; pending: boolean }>;
    expect(shares.map((s) => s.pending)).to.deep.equal([true]);
    await world.as('admin', 'delete', `${t}/shares/${shares[0]!.id}`).expect(204);
    await request(app.handler).post(`/api/v1/invites/${revokedToken}`).send({ name: 'X', password: worldPassword }).expect(410);
    await request(app.handler).post(`/api/v1/invites/${'A'.repeat(43)}`).send({ name: 'X', password: worldPassword }).expect(410);
    const expiring = await inviteOutsider(world, world.actors.admin, { type: 'folder', id: other }, 'later@example.org');
    sinon.useFakeTimers({ now: Date.now() + 15 * 86_400_000, toFake: ['Date'] });
    await request(app.handler).post(`/api/v1/invites/${expiring}`).send({ name: 'X', password: worldPassword }).expect(410);
  });

  it('an expired share ends at once; a share with an expiry in the past is refused (422)', async () => {
    expect((await share('admin', { email: 'member@example.com', expiresAt: '2020-01-01T00:00:00Z' }).expect(422)).body.error.code).to.equal('invalid_expiry');
    const soon = new Date(Date.now() + 60_000).toISOString();
    await share('admin', { email: 'member@example.com', expiresAt: soon }).expect(201);
    await world.as('member', 'get', `${t}/folders/${folder}`).expect(200);
    // Two minutes on: the share has ended, the session (30 minutes idle) has not.
    sinon.useFakeTimers({ now: Date.now() + 120_000, toFake: ['Date'] });
    await world.as('member', 'get', `${t}/folders/${folder}`).expect(404);
  });

  it('nobody shares upward: a viewer cannot share (403), an editor cannot give manage (403), a manager-guest can re-share', async () => {
    await share('admin', { email: 'viewer@example.com', access: 'manage' }).expect(201);
    const fromViewer = await share('viewer', { email: 'x@example.org' }).expect(403);
    expect(fromViewer.body.error.code).to.equal('forbidden');
    await share('admin', { email: 'member@example.com', access: 'edit' }).expect(201);
    await share('member', { email: 'y@example.org', access: 'manage' }).expect(403);
    const token = await inviteOutsider(world, world.actors.admin, { type: 'folder', id: folder }, 'guest@example.com', 'manage');
    await acceptAsGuest(world, token);
    const reshared = await share('guest', { email: 'friend@example.org', access: 'edit' }).expect(201);
    expect(reshared.body.inviteUrl).to.match(/\/invite\//);
    await share('admin', { email: 'admin@example.com' }).expect(422);
    await world.as('admin', 'post', `${t}/shares`).send({ objectType: 'folder', objectId: folder, email: 'z@example.org', access: 'view', ownerId: 'x' }).expect(400);
  });

  it('a guest invited by two tenants sees both in GET /api/v1/shared; accepting while signed in adds to the account; an existing email must sign in first (409)', async () => {
    const token = await inviteOutsider(world, world.actors.admin, { type: 'folder', id: folder }, 'guest@example.com');
    const guest = await acceptAsGuest(world, token);
    const otherFolder = (await world.as('admin', 'post', `/api/v1/t/${world.otherTenant}/folders`).send({ name: 'B site' }).expect(201)).body.id as string;
    const fromB = await world.as('admin', 'post', `/api/v1/t/${world.otherTenant}/shares`).send({ objectType: 'folder', objectId: otherFolder, email: 'guest@example.com', access: 'edit' }).expect(201);
    const bToken = (fromB.body.inviteUrl as string).split('/invite/')[1]!;
    await request(app.handler).post(`/api/v1/invites/${bToken}`).send({ name: 'Guest', password: worldPassword }).expect(409);
    await world.as(guest, 'post', `/api/v1/invites/${bToken}`).send({}).expect(201);
    const shared = (await world.as(guest, 'get', '/api/v1/shared').expect(200)).body.items as Array<{ tenant: { slug: string }; objectTitle: string; access: string }>;
    expect(shared.map((s) => [s.tenant.slug, s.objectTitle, s.access]).sort()).to.deep.equal([['rakennus', 'Site', 'view'], ['toinen', 'B site', 'edit']]);
    await world.as(guest, 'get', `/api/v1/t/${world.otherTenant}/folders/${otherFolder}`).expect(200);
    const again = await signInActor(app, 'guest', 'guest@example.com');
    expect(again.userId).to.equal(guest.userId);
  });
});
