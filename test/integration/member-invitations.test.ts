import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { acceptAsGuest, buildAccessWorld, inviteOutsider, requestAs, tenantOfItsOwn, worldPassword, type Actor, type AccessWorld } from '../helpers/access-world.ts';

/** The shape of a JSON value: its keys and the types of their values, all the way down (values themselves left out). */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, shapeOf(inner)]));
  return value === null ? 'null' : typeof value;
}

/** The token at the end of an invite link. */
const tokenOf = (inviteUrl: string): string => inviteUrl.split('/invite/')[1]!;

// Issue 20, defect 3: a tenant admin acted on people of other tenants (added them without consent,
// ended their sessions everywhere) and learnt from 409 user_exists which addresses have accounts.
forEachDatabase('member invitations', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  /** The admin of `kolmas`, a tenant of its own: neither instance admin nor a member anywhere else. */
  let thirdAdmin: Actor;
  const kolmas = '/api/v1/t/kolmas';

  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    thirdAdmin = await tenantOfItsOwn(app, { slug: 'kolmas', name: 'Kolmas Oy', adminEmail: 'third-admin@example.com', adminName: 'Terttu Third' });
  });
  afterEach(async () => app?.close());

  const invite = (body: object, by: Actor = thirdAdmin, tenant = kolmas) => requestAs(app, by, 'post', `${tenant}/members`).send(body);
  const tenantsOf = async (actor: Actor): Promise<string[]> => ((await requestAs(app, actor, 'get', '/api/v1/me').expect(200)).body.tenants as Array<{ slug: string }>).map((t) => t.slug);

  it('POST .../members makes another tenant\'s member and the instance admin invitees, not members; they join only by accepting, with their own password', async () => {
    const { member, admin } = world.actors;
    const toMember = await invite({ email: 'member@example.com', name: 'Typed Name', role: 'admin', password: 'the admin chose this one' }).expect(201);
    const toAdmin = await invite({ email: 'ADMIN@example.com', name: 'Instance Person', role: 'viewer' }).expect(201);
    expect(toMember.body.invitation).to.include({ email: 'member@example.com', name: 'Typed Name', role: 'admin', status: 'invited' });
    expect(toAdmin.body.invitation).to.include({ email: 'admin@example.com', status: 'invited' });
    for (const actor of [member, admin]) {
      expect(await tenantsOf(actor)).not.to.include('kolmas');
      await requestAs(app, actor, 'get', `${kolmas}/folders`).expect(404);
    }
    // Their passwords are their own: the admin's choice does nothing, and signing in joins nothing.
    await request(app.handler).post('/api/v1/auth/login').send({ email: 'member@example.com', password: 'the admin chose this one' }).expect(401);
    const again = await request(app.handler).post('/api/v1/auth/login').send({ email: 'member@example.com', password: worldPassword }).expect(200);
    expect(again.body.tenants.map((t: { slug: string }) => t.slug)).to.deep.equal(['rakennus']);
    const listed = await world.as(member, 'get', '/api/v1/me/invitations').expect(200);
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.items[0]).to.deep.include({ id: toMember.body.invitation.id, tenant: { slug: 'kolmas', name: 'Kolmas Oy' }, role: 'admin', invitedBy: 'Terttu Third' });
    const accepted = await world.as(member, 'post', `/api/v1/me/invitations/${toMember.body.invitation.id as string}/accept`).expect(200);
    expect(accepted.body).to.deep.equal({ tenant: { slug: 'kolmas', name: 'Kolmas Oy' }, role: 'admin' });
    await world.as(member, 'get', `${kolmas}/folders`).expect(200);
    // The instance admin accepts by the link, signed in.
    const joined = await world.as(admin, 'post', `/api/v1/invites/${tokenOf(toAdmin.body.inviteUrl as string)}`).send({}).expect(201);
    expect(joined.body).to.deep.include({ kind: 'member', role: 'viewer' });
    expect(await tenantsOf(admin)).to.include('kolmas');
    await app.kirjuri.audit.log.flush();
    const audit = (await requestAs(app, thirdAdmin, 'get', `${kolmas}/audit?limit=200`).expect(200)).body.items as Array<{ action: string; actor: { email: string }; details: Record<string, unknown> }>;
    expect(audit.filter((e) => e.action === 'member.accept').map((e) => [e.actor.email, e.details.via])).to.have.deep.members([['member@example.com', 'home_page'], ['admin@example.com', 'link']]);
    expect(audit.filter((e) => e.action === 'member.add').map((e) => e.details.email)).to.include.members(['member@example.com', 'admin@example.com']);
    expect(JSON.stringify(audit)).not.to.contain(tokenOf(toAdmin.body.inviteUrl as string)).and.not.to.contain('the admin chose this one');
  });

  it('POST .../members answers an address with an account exactly as one without: status, headers, body shape, the list and the audit log', async () => {
    const cases = [
      { email: 'member@example.com', password: 'a first passphrase here' }, { email: 'nobody-yet@example.com', password: 'a first passphrase here' },
      { email: 'admin@example.com' }, { email: 'nobody-either@example.com' },
    ];
    const answers = [];
    for (const { email, password } of cases) answers.push(await invite({ email, name: 'Same Name', role: 'member', ...(password ? { password } : {}) }));
    const comparable = (res: request.Response) => ({
      status: res.status, cacheControl: res.headers['cache-control'], contentType: res.headers['content-type'], shape: shapeOf(res.body),
      invitation: { ...res.body.invitation, id: undefined, email: undefined, invitedAt: undefined, expiresAt: undefined },
    });
    for (const answer of answers) expect(comparable(answer)).to.deep.equal(comparable(answers[0]!));
    expect(answers[0]!.status).to.equal(201);
    expect(JSON.stringify(answers.map((a) => a.body))).not.to.match(/Member|Aino|userId|"user"/);
    // Asked again, each is refused alike (the admin knows of the invitation already).
    const refusals = [];
    for (const { email } of cases) refusals.push(await invite({ email, name: 'Same Name', role: 'member' }).expect(409));
    for (const refusal of refusals) expect({ ...refusal.body.error, message: undefined, requestId: undefined }).to.deep.equal({ ...refusals[0]!.body.error, message: undefined, requestId: undefined });
    // The list: every invitation alike, only what the admin typed.
    const list = await requestAs(app, thirdAdmin, 'get', `${kolmas}/members`).expect(200);
    expect(list.body.items.map((m: { email: string }) => m.email)).to.deep.equal(['third-admin@example.com']);
    expect(list.body.invitations.map((i: { email: string }) => i.email)).to.have.members(cases.map((c) => c.email));
    for (const item of list.body.invitations) {
      expect(shapeOf(item)).to.deep.equal(shapeOf(list.body.invitations[0]));
      expect(item).to.include({ name: 'Same Name', role: 'member', status: 'invited' });
    }
    await app.kirjuri.audit.log.flush();
    const audit = (await requestAs(app, thirdAdmin, 'get', `${kolmas}/audit?limit=200`).expect(200)).body.items as Array<{ action: string; objectType: string; details: Record<string, unknown> }>;
    const invites = audit.filter((e) => e.action === 'member.invite');
    expect(invites).to.have.length(4);
    for (const entry of invites) expect({ ...entry.details, email: undefined }).to.deep.equal({ email: undefined, name: 'Same Name', role: 'member' });
    expect(audit.map((e) => e.action)).not.to.include('user.create');
  });

  it('a weak password is refused alike for an address with an account and one without', async () => {
    const weakFor = async (email: string) => (await invite({ email, name: 'Someone', role: 'member', password: 'password1234' }).expect(422)).body.error;
    const strip = (error: Record<string, unknown>) => ({ ...error, requestId: undefined });
    expect(strip(await weakFor('member@example.com'))).to.deep.equal(strip(await weakFor('nobody@example.com')));
  });

  it('a new person given a password has an account at once but joins at their first sign-in, not before', async () => {
    const made = await invite({ email: 'uusi@example.com', name: 'Uusi Ihminen', role: 'manager', password: 'a first passphrase here' }).expect(201);
    const before = await requestAs(app, thirdAdmin, 'get', `${kolmas}/members`).expect(200);
    expect(before.body.items.map((m: { email: string }) => m.email)).not.to.include('uusi@example.com');
    const signedIn = await request(app.handler).post('/api/v1/auth/login').send({ email: 'uusi@example.com', password: 'a first passphrase here' }).expect(200);
    expect(signedIn.body.tenants).to.deep.equal([{ slug: 'kolmas', name: 'Kolmas Oy', role: 'manager' }]);
    const after = await requestAs(app, thirdAdmin, 'get', `${kolmas}/members`).expect(200);
    expect(after.body.items.find((m: { email: string }) => m.email === 'uusi@example.com')).to.include({ name: 'Uusi Ihminen', role: 'manager', status: 'active' });
    expect(after.body.invitations).to.deep.equal([]);
    await request(app.handler).post(`/api/v1/invites/${tokenOf(made.body.inviteUrl as string)}`).send({ name: 'X', password: 'another passphrase here' }).expect(410);
    await app.kirjuri.audit.log.flush();
    const audit = (await requestAs(app, thirdAdmin, 'get', `${kolmas}/audit?action=member.accept`).expect(200)).body.items as Array<{ actor: { email: string }; details: Record<string, unknown> }>;
    expect(audit.map((e) => [e.actor.email, e.details.via])).to.deep.equal([['uusi@example.com', 'first_sign_in']]);
  });

  it('disabling a member who is also in another tenant, or the instance admin, ends their access here at once and nothing else', async () => {
    const { member, admin } = world.actors;
    for (const [actor, email] of [[member, 'member@example.com'], [admin, 'admin@example.com']] as const) {
      const made = await invite({ email, name: 'Someone', role: 'viewer' }).expect(201);
      await world.as(actor, 'post', `/api/v1/invites/${tokenOf(made.body.inviteUrl as string)}`).send({}).expect(201);
      await world.as(actor, 'get', `${kolmas}/folders`).expect(200);
      const disabled = await requestAs(app, thirdAdmin, 'patch', `${kolmas}/members/${actor.userId!}`).send({ disabled: true }).expect(200);
      expect(disabled.body).to.include({ status: 'disabled', memberDisabled: true, disabled: false });
      // At once: the membership is read per request, and the read cache is emptied by the commit.
      await world.as(actor, 'get', `${kolmas}/folders`).expect(404);
      await world.as(actor, 'get', '/api/v1/me').expect(200);
      await world.as(actor, 'get', '/api/v1/t/rakennus/folders').expect(200);
      expect(await tenantsOf(actor)).not.to.include('kolmas');
    }
    await world.as(admin, 'get', '/api/v1/admin/tenants').expect(200);
    await requestAs(app, thirdAdmin, 'patch', `${kolmas}/members/${member.userId!}`).send({ disabled: false }).expect(200);
    await world.as(member, 'get', `${kolmas}/folders`).expect(200);
  });

  it('another account cannot accept; declined, withdrawn, used and expired invitations answer 410', async () => {
    const { member, viewer, manager } = world.actors;
    const forMember = await invite({ email: 'member@example.com', name: 'M', role: 'member' }).expect(201);
    const memberToken = tokenOf(forMember.body.inviteUrl as string);
    const wrong = await world.as(viewer, 'post', `/api/v1/invites/${memberToken}`).send({}).expect(403);
    expect(wrong.body.error.code).to.equal('wrong_account');
    await world.as(viewer, 'post', `/api/v1/me/invitations/${forMember.body.invitation.id as string}/accept`).expect(404);
    await world.as(viewer, 'post', `/api/v1/me/invitations/${forMember.body.invitation.id as string}/decline`).expect(404);
    expect((await world.as(viewer, 'get', '/api/v1/me/invitations').expect(200)).body.items).to.deep.equal([]);
    // Not signed in, an address that has an account is told to sign in first.
    expect((await request(app.handler).post(`/api/v1/invites/${memberToken}`).send({ name: 'M', password: 'a takeover passphrase' }).expect(409)).body.error.code).to.equal('account_exists');
    // Declined.
    await world.as(member, 'post', `/api/v1/me/invitations/${forMember.body.invitation.id as string}/decline`).expect(204);
    await world.as(member, 'post', `/api/v1/invites/${memberToken}`).send({}).expect(410);
    await world.as(member, 'post', `/api/v1/me/invitations/${forMember.body.invitation.id as string}/accept`).expect(410);
    expect(await tenantsOf(member)).not.to.include('kolmas');
    // Withdrawn.
    const forViewer = await invite({ email: 'viewer@example.com', name: 'V', role: 'viewer' }).expect(201);
    await requestAs(app, thirdAdmin, 'delete', `${kolmas}/members/invitations/${forViewer.body.invitation.id as string}`).expect(204);
    await requestAs(app, thirdAdmin, 'delete', `${kolmas}/members/invitations/${forViewer.body.invitation.id as string}`).expect(404);
    await world.as(viewer, 'post', `/api/v1/invites/${tokenOf(forViewer.body.inviteUrl as string)}`).send({}).expect(410);
    // Used.
    const forManager = await invite({ email: 'manager@example.com', name: 'Ma', role: 'manager' }).expect(201);
    await world.as(manager, 'post', `/api/v1/invites/${tokenOf(forManager.body.inviteUrl as string)}`).send({}).expect(201);
    await world.as(manager, 'post', `/api/v1/invites/${tokenOf(forManager.body.inviteUrl as string)}`).send({}).expect(410);
    // Expired: listed as such; a new link works and the old one does not.
    const forNew = await invite({ email: 'later@example.com', name: 'Later', role: 'member' }).expect(201);
    await app.kirjuri.db.sequelize.query('UPDATE kirjuri_member_invites SET expires_at = $1 WHERE id = $2', { bind: [Date.now() - 1000, forNew.body.invitation.id], type: QueryTypes.UPDATE });
    await request(app.handler).post(`/api/v1/invites/${tokenOf(forNew.body.inviteUrl as string)}`).send({ name: 'Later', password: 'a later passphrase' }).expect(410);
    const listed = await requestAs(app, thirdAdmin, 'get', `${kolmas}/members`).expect(200);
    expect(listed.body.invitations.map((i: { email: string; status: string }) => [i.email, i.status])).to.deep.equal([['later@example.com', 'expired']]);
    const renewed = await requestAs(app, thirdAdmin, 'post', `${kolmas}/members/invitations/${forNew.body.invitation.id as string}/link`).expect(201);
    expect(renewed.body.invitation).to.include({ id: forNew.body.invitation.id, status: 'invited' });
    await request(app.handler).post(`/api/v1/invites/${tokenOf(forNew.body.inviteUrl as string)}`).send({ name: 'Later', password: 'a later passphrase' }).expect(410);
    const joined = await request(app.handler).post(`/api/v1/invites/${tokenOf(renewed.body.inviteUrl as string)}`).send({ name: 'Later Person', password: 'a later passphrase' }).expect(201);
    expect(joined.body.user).to.include({ email: 'later@example.com', name: 'Later Person' });
  });

  it('a tenant admin may not make a password link for a member whose account reaches another tenant by a disabled membership or a share', async () => {
    const { viewer } = world.actors;
    // The viewer joins kolmas; rakennus then disables them there: the account still reaches rakennus.
    const forViewer = await invite({ email: 'viewer@example.com', name: 'V', role: 'member' }).expect(201);
    await world.as(viewer, 'post', `/api/v1/invites/${tokenOf(forViewer.body.inviteUrl as string)}`).send({}).expect(201);
    await world.as('admin', 'patch', `/api/v1/t/rakennus/members/${viewer.userId!}`).send({ disabled: true }).expect(200);
    const refused = await requestAs(app, thirdAdmin, 'post', `${kolmas}/members/${viewer.userId!}/password-reset`).expect(403);
    expect(refused.body.error.code).to.equal('reset_not_allowed');
    // A guest of rakennus who joins kolmas.
    const folder = (await world.as('admin', 'post', '/api/v1/t/rakennus/folders').send({ name: 'Shared' }).expect(201)).body.id as string;
    const guest = await acceptAsGuest(world, await inviteOutsider(world, world.actors.admin, { type: 'folder', id: folder }, 'guest@example.com'));
    const forGuest = await invite({ email: 'guest@example.com', name: 'G', role: 'member' }).expect(201);
    await world.as(guest, 'post', `/api/v1/invites/${tokenOf(forGuest.body.inviteUrl as string)}`).send({}).expect(201);
    await requestAs(app, thirdAdmin, 'post', `${kolmas}/members/${guest.userId!}/password-reset`).expect(403);
    // Someone in kolmas alone is kolmas's own to help.
    const own = await invite({ email: 'own@example.com', name: 'Own', role: 'member', password: 'own passphrase here' }).expect(201);
    expect(own.status).to.equal(201);
    const ownId = (await request(app.handler).post('/api/v1/auth/login').send({ email: 'own@example.com', password: 'own passphrase here' }).expect(200)).body.user.id as string;
    await requestAs(app, thirdAdmin, 'post', `${kolmas}/members/${ownId}/password-reset`).expect(201);
  });
});
