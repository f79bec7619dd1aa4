import { expect } from 'chai';
import sinon from 'sinon';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { acceptAsGuest, buildAccessWorld, inviteOutsider, type AccessWorld } from '../helpers/access-world.ts';

interface Entry { seq: number; action: string; actor: { id: string | null; email: string | null }; objectType: string | null; objectId: string | null; outcome: string; details: Record<string, unknown>; ip: string | null; userAgent: string | null }

forEachDatabase('the audit trail of identity, folders and shares', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  beforeEach(async () => {
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
  });
  afterEach(async () => {
    sinon.restore();
    await app?.close();
  });

  /** The tenant's entries (oldest first) after whatever was queued has been written. */
  const entries = async (filter = ''): Promise<Entry[]> => {
    await app.kirjuri.audit.log.flush();
    const res = await world.as('admin', 'get', `/api/v1/t/rakennus/audit?limit=200${filter}`).expect(200);
    return (res.body.items as Entry[]).slice().reverse();
  };

  it('records setup, members, sign-ins (failed ones too) and sign-outs, with actor, address and user agent, never a password', async () => {
    const all = await entries();
    expect(all.map((e) => e.action)).to.include.members(['member.add', 'auth.login']);
    expect(all.filter((e) => e.action === 'member.add').map((e) => e.details.email)).to.include.members(['admin@example.com', 'manager@example.com', 'member@example.com', 'viewer@example.com']);
    await request(app.handler).post('/api/v1/auth/login').set('User-Agent', 'tester/1.0').send({ email: 'member@example.com', password: 'not the password at all' }).expect(401);
    // Log injection: an "email" with a line break and a spreadsheet formula, recorded as typed but never as a second line.
    await request(app.handler).post('/api/v1/auth/login').send({ email: '=cmd()\r\n2026 fake,entry', password: 'not the password at all' }).expect(401);
    await world.as('member', 'post', '/api/v1/auth/logout').expect(204);
    const later = await entries();
    const failed = later.find((e) => e.action === 'auth.login_failed')!;
    expect(failed).to.deep.include({ outcome: 'failure', userAgent: 'tester/1.0' });
    expect(failed.actor.email).to.equal('member@example.com');
    expect(failed.details).to.deep.equal({ reason: 'wrong_password' });
    const logout = later.find((e) => e.action === 'auth.logout')!;
    expect(logout).to.deep.include({ outcome: 'success' });
    expect(logout.actor.email).to.equal('member@example.com');
    expect(JSON.stringify(later)).not.to.contain('not the password at all').and.not.to.contain('correct horse');
    const instance = await world.as('admin', 'get', '/api/v1/admin/audit?action=auth.login_failed').expect(200);
    expect(instance.body.items[0].actor.email).to.equal('=cmd()\r\n2026 fake,entry');
    const csv = await world.as('admin', 'get', '/api/v1/admin/audit?action=auth.login_failed&format=csv').expect(200);
    expect(csv.headers['content-disposition']).to.match(/^attachment; filename="kirjuri-audit-instance-\d{4}-\d\d-\d\d\.csv"$/);
    expect(csv.text).to.contain('"\'=cmd()\r\n2026 fake,entry"');
    const jsonl = await world.as('admin', 'get', '/api/v1/admin/audit?action=auth.login_failed&format=jsonl').expect(200);
    // One line per entry (the member's failed sign-in and the injected one), each whole JSON.
    const lines = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as Entry);
    expect(lines.map((entry) => entry.actor.email)).to.deep.equal(['=cmd()\r\n2026 fake,entry', 'member@example.com']);
  });

  it('records folder changes in their transaction, views in batches, shares, and every refusal as access.denied', async () => {
    const folder = (await world.as('admin', 'post', '/api/v1/t/rakennus/folders').send({ name: 'Site' }).expect(201)).body.id as string;
    await world.as('admin', 'patch', `/api/v1/t/rakennus/folders/${folder}`).send({ name: 'Site A' }).expect(200);
    await world.as('admin', 'get', `/api/v1/t/rakennus/folders/${folder}`).expect(200);
    await world.as('member', 'get', `/api/v1/t/rakennus/folders/${folder}`).expect(404);
    await world.as('admin', 'post', '/api/v1/t/rakennus/folders').send({ name: 'Sneaky', ownerId: world.actors.member.userId }).expect(400);
    await app.kirjuri.audit.log.flush();
    const token = await inviteOutsider(world, world.actors.admin, { type: 'folder', id: folder }, 'guest@example.com');
    await acceptAsGuest(world, token);
    const all = await entries(`&objectType=folder&objectId=${folder}`);
    expect(all.map((e) => e.action)).to.deep.equal(['folder.create', 'folder.update', 'folder.view', 'access.denied', 'share.create', 'share.accept']);
    expect(all[1]!.details).to.deep.equal({ name: { from: 'Site', to: 'Site A' } });
    expect(all[3]).to.deep.include({ outcome: 'denied' });
    expect(all[3]!.actor.email).to.equal('member@example.com');
    expect(JSON.stringify(all)).not.to.contain(token);
    const massAssignment = (await entries('&action=access.denied')).find((e) => e.details.reason === 'mass_assignment')!;
    expect(massAssignment.details.fields).to.deep.equal(['ownerId']);
  });

  it('a change whose audit entry cannot be written does not happen', async () => {
    sinon.stub(app.kirjuri.audit.log, 'record').rejects(new Error('the audit log is full'));
    await world.as('admin', 'post', '/api/v1/t/rakennus/folders').send({ name: 'Never' }).expect(500);
    sinon.restore();
    expect((await world.as('admin', 'get', '/api/v1/t/rakennus/folders').expect(200)).body.items).to.deep.equal([]);
  });
});
