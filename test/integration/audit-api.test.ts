import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, type AccessWorld } from '../helpers/access-world.ts';
import { runCli } from '../../core/cli/program.ts';

describe('the audit API, pages and CLI', () => {
  let app: TestApp;
  let world: AccessWorld;
  beforeEach(async () => {
    app = await createTestApp('sqlite', { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    for (const name of ['One', 'Two', 'Three']) await world.as('manager', 'post', '/api/v1/t/rakennus/folders').send({ name }).expect(201);
    await app.kirjuri.audit.log.flush();
  });
  afterEach(async () => app?.close());

  it('filters by person, action, object and time, pages newest first with a cursor, and refuses bad filters (400)', async () => {
    const byManager = await world.as('admin', 'get', '/api/v1/t/rakennus/audit?actor=manager@example.com&action=folder.create').expect(200);
    expect(byManager.body.items.map((e: { details: { name: string } }) => e.details.name)).to.deep.equal(['Three', 'Two', 'One']);
    const first = await world.as('admin', 'get', '/api/v1/t/rakennus/audit?action=folder.create&limit=2').expect(200);
    expect(first.body.items).to.have.length(2);
    const rest = await world.as('admin', 'get', `/api/v1/t/rakennus/audit?action=folder.create&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(rest.body).to.deep.include({ nextCursor: null });
    expect(rest.body.items.map((e: { details: { name: string } }) => e.details.name)).to.deep.equal(['One']);
    const id = byManager.body.items[0].objectId as string;
    expect((await world.as('admin', 'get', `/api/v1/t/rakennus/audit?objectType=folder&objectId=${id}`).expect(200)).body.items).to.have.length(1);
    const future = await world.as('admin', 'get', '/api/v1/t/rakennus/audit?from=2099-01-01T00:00:00Z').expect(200);
    expect(future.body.items).to.deep.equal([]);
    const item = byManager.body.items[0];
    expect(Object.keys(item).sort()).to.deep.equal(['action', 'actor', 'at', 'details', 'hash', 'ip', 'objectId', 'objectType', 'outcome', 'prevHash', 'seq', 'tenant', 'userAgent']);
    expect(item.at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await world.as('admin', 'get', '/api/v1/t/rakennus/audit?from=yesterday').expect(400)).body.error.details.fields).to.have.property('from');
    await world.as('admin', 'get', '/api/v1/t/rakennus/audit?format=xml').expect(400);
  });

  it('only tenant admins read a tenant\'s log (403 for managers, 404 elsewhere), only instance admins the instance\'s', async () => {
    await world.as('manager', 'get', '/api/v1/t/rakennus/audit').expect(403);
    await world.as('otherAdmin', 'get', '/api/v1/t/rakennus/audit').expect(404);
    await world.as('otherAdmin', 'get', '/api/v1/admin/audit').expect(403);
    await request(app.handler).get('/api/v1/t/rakennus/audit/verify').expect(401);
    const other = await world.as('otherAdmin', 'get', '/api/v1/t/toinen/audit').expect(200);
    expect(other.body.items.every((e: { tenant: string }) => e.tenant !== null)).to.equal(true);
    expect(JSON.stringify(other.body)).not.to.contain('manager@example.com');
    const instance = await world.as('admin', 'get', '/api/v1/admin/audit?action=tenant.create').expect(200);
    expect(instance.body.items.map((e: { details: { slug: string } }) => e.details.slug)).to.deep.equal(['toinen', 'rakennus']);
  });

  it('GET /audit/verify reports the chain, and the first bad entry after an edit', async () => {
    const ok = await world.as('admin', 'get', '/api/v1/t/rakennus/audit/verify').expect(200);
    expect(ok.body).to.deep.include({ ok: true, firstBadSeq: null });
    expect(ok.body.checked).to.be.greaterThan(5);
    const tenant = (await app.kirjuri.identity.tenants.findBySlug('rakennus'))!;
    await app.kirjuri.db.sequelize.query("UPDATE kirjuri_audit_entries SET details = '{}' WHERE chain_id = $1 AND seq = 3", { bind: [tenant.id], type: QueryTypes.UPDATE });
    expect((await world.as('admin', 'get', '/api/v1/t/rakennus/audit/verify').expect(200)).body).to.deep.include({ ok: false, firstBadSeq: 3 });
    expect((await world.as('admin', 'get', '/api/v1/admin/audit/verify').expect(200)).body.ok).to.equal(true);
  });

  it('the audit page shows entries with filters beside their fields, export links with the same filters, and a verification', async () => {
    const { admin } = world.actors;
    const page = await request(app.handler).get('/t/rakennus/admin/audit?action=folder.create&verify=1').set('Cookie', admin.cookie!).expect(200);
    expect(page.text).to.contain('The chain is intact').and.to.contain('folder.create').and.not.to.contain('>auth.login<');
    // Handlebars escapes = and & in attributes; the browser reads them back.
    expect(page.text).to.contain('href="/api/v1/t/rakennus/audit?action&#x3D;folder.create&amp;format&#x3D;csv"');
    const bad = await request(app.handler).get('/t/rakennus/admin/audit?from=soon').set('Cookie', admin.cookie!).expect(422);
    expect(bad.text).to.match(/id="field-from-error"/);
    await request(app.handler).get('/admin/audit').set('Cookie', admin.cookie!).expect(200);
    await request(app.handler).get('/t/rakennus/admin/audit').set('Cookie', world.actors.manager.cookie!).expect(403);
  });

  it('kirjuri audit verify checks every chain and exits 1 naming the first bad entry', async () => {
    const env = { ...process.env };
    process.env.KIRJURI_DATA_DIR = app.kirjuri.config.dataDir;
    process.env.KIRJURI_MASTER_KEY_FILE = app.kirjuri.config.keys.masterKeyFile;
    process.env.KIRJURI_DATABASE_URL = app.kirjuri.config.database.url ?? '';
    if (!app.kirjuri.config.database.url) delete process.env.KIRJURI_DATABASE_URL;
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      expect(await runCli(['node', 'kirjuri', 'audit', 'verify'], { error: (line) => lines.push(line) })).to.equal(0);
      expect(lines.join('\n')).to.match(/\/t\/rakennus: ok, \d+ entries/).and.to.match(/instance: ok/);
      const tenant = (await app.kirjuri.identity.tenants.findBySlug('rakennus'))!;
      await app.kirjuri.db.sequelize.query('DELETE FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq = 2', { bind: [tenant.id], type: QueryTypes.DELETE });
      lines.length = 0;
      expect(await runCli(['node', 'kirjuri', 'audit', 'verify', '--tenant', 'rakennus'], { error: (line) => lines.push(line) })).to.equal(1);
      expect(lines.join('\n')).to.contain('/t/rakennus: BROKEN at entry 2: entry 2 is missing');
    } finally {
      console.log = log;
      process.env = env;
    }
  });
});
