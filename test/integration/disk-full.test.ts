// A full disk, for real: the blob store, the SQLite database or a PostgreSQL tablespace on a small tmpfs
// (test/helpers/small-file-system.ts), filled until the kernel says ENOSPC. Writes then answer 507
// `storage_full` with a sentence (a themed page in the UI), reads keep working, and once there is room
// again writes work again and nothing stored was harmed.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { storageFullMessage } from '../../core/http/storage-full.ts';
import { buildAccessWorld, sharedFolder, type AccessWorld } from '../helpers/access-world.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { fillFileSystem, mountSmallFileSystem, smallTablespace, type SmallFileSystem } from '../helpers/small-file-system.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const setup = { token: 'test-setup-token-0123456789' };
const documents = { name: 'Site report', kind: 'form', fields: [{ key: 'site', type: 'text', label: 'Site' }, { key: 'documents', type: 'file', label: 'Documents', accept: ['application/pdf'] }] };
const pdfOf = (bytes: number): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes)]);

/** Writes with `write` until one answers 507 (what is left of the disk may hold a few more rows); returns that answer. */
async function firstRefusal(write: (n: number) => Promise<request.Response>, most = 400): Promise<request.Response> {
  for (let n = 0; n < most; n += 1) {
    const res = await write(n);
    if (res.status !== 201 && res.status !== 200 && res.status !== 303) return res;
  }
  throw new Error(`${most} writes all succeeded on a full disk`);
}

forEachDatabase('a full blob store disk', (kind) => {
  let fileSystem: SmallFileSystem | undefined;
  let app: TestApp;
  let world: AccessWorld;
  let recordId: string;
  let folderId: string;
  let templateId: string;
  const api = (path: string): string => `/api/v1/t/rakennus${path}`;

  before(async function () {
    this.timeout(60_000);
    const mounted = mountSmallFileSystem(2 * 1024 * 1024);
    if ('refused' in mounted) throw new Error(`The disk-full tests need a real small file system, and ${mounted.refused}: run them as root (CI does).`);
    fileSystem = mounted;
    app = await createTestApp(kind, { setup, files: { localDir: join(mounted.dir, 'blobs'), maxFileBytes: 16 * 1024 * 1024 } });
    world = await buildAccessWorld(app);
    folderId = await sharedFolder(world, 'Site A');
    templateId = (await world.as('manager', 'post', api('/templates')).send(documents).expect(201)).body.id as string;
    recordId = (await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'Report 1', data: {}, draft: true }).expect(201)).body.id as string;
  });
  after(async () => {
    await app?.close();
    fileSystem?.unmount();
  });

  it('an upload larger than the free space answers 507 storage_full with a sentence, leaves nothing behind, and reads keep answering 200', async () => {
    const small = pdfOf(100_000);
    const kept = (await world.as('member', 'post', api(`/records/${recordId}/files`)).field('field', 'documents').attach('file', small, { filename: 'kept.pdf' }).expect(201)).body.id as string;
    const rowsBefore = await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs', []);

    const refused = await world.as('member', 'post', api(`/records/${recordId}/files`)).field('field', 'documents').attach('file', pdfOf(3 * 1024 * 1024), { filename: 'too-big.pdf' });
    expect(refused.status, refused.text).to.equal(507);
    expect(refused.body.error).to.include({ code: 'storage_full', message: storageFullMessage });
    expect(await readdir(join(fileSystem!.dir, 'blobs', '.tmp'))).to.deep.equal([]);
    expect(await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs', [])).to.deep.equal(rowsBefore);

    await world.as('viewer', 'get', api(`/records/${recordId}`)).expect(200);
    const download = await world.as('viewer', 'get', api(`/files/${kept}`)).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect((download.body as Buffer).equals(small)).to.equal(true);
  });

  it('the record form with a file larger than the free space answers a themed 507 page saying the same', async () => {
    const member = world.actors.member;
    const page = await request(app.handler).post('/t/rakennus/records/new').set('Cookie', member.cookie!).set('Accept', 'text/html')
      .field('_csrf', member.csrf!).field('templateId', templateId).field('folderId', folderId).field('title', 'Survey').field('_action', 'draft')
      .attach('documents', pdfOf(3 * 1024 * 1024), { filename: 'scan.pdf', contentType: 'application/pdf' });
    expect(page.status).to.equal(507);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.text).to.contain('Error 507').and.to.contain('The server&#x27;s disk is full, so nothing was saved.');
    expect(page.text).to.contain('class="error-page');
    await request(app.handler).get(`/t/rakennus/records/${recordId}`).set('Cookie', member.cookie!).expect(200);
  });
});

forEachDatabase('a full database disk', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let cleanUp: Array<() => Promise<void> | void> = [];
  /** Fills the database's file system; resolves with how to make room again. */
  let fill: () => Promise<() => Promise<void>>;
  const api = (path: string): string => `/api/v1/t/rakennus${path}`;

  before(async function () {
    this.timeout(120_000);
    if (kind === 'sqlite') {
      const mounted = mountSmallFileSystem(24 * 1024 * 1024);
      if ('refused' in mounted) throw new Error(`The disk-full tests need a real small file system, and ${mounted.refused}: run them as root (CI does).`);
      cleanUp.push(() => mounted.unmount());
      app = await createTestApp(kind, { setup, dataDir: mounted.dir });
      fill = () => fillFileSystem(mounted.dir);
    } else {
      // Only this test database's tables live in the small tablespace: the server's WAL and every other database stay on its own disk.
      const tablespace = await smallTablespace(process.env.TEST_POSTGRES_URL!, 24 * 1024 * 1024);
      if ('refused' in tablespace) throw new Error(`The disk-full tests need a small PostgreSQL tablespace, and ${tablespace.refused}: run them as root on the database's own machine (CI does).`);
      cleanUp.push(() => tablespace.drop());
      app = await createTestApp(kind, { setup }, { tablespace: tablespace.name });
      fill = async () => {
        const sql = (text: string): Promise<unknown> => app.kirjuri.db.sequelize.query(text, { type: QueryTypes.RAW });
        await sql('CREATE TABLE zz_filler (b text)');
        await sql('ALTER TABLE zz_filler ALTER COLUMN b SET STORAGE EXTERNAL');
        for (let n = 0; n < 100; n += 1) {
          const filled = await sql("INSERT INTO zz_filler SELECT repeat('x', 1048576)").then(() => false, (error: { parent?: { code?: string } }) => {
            if (error.parent?.code !== '53100') throw error;
            return true;
          });
          if (filled) break;
        }
        return async () => { await sql('DROP TABLE zz_filler'); };
      };
    }
    cleanUp.unshift(() => app.close());
    world = await buildAccessWorld(app);
    await sharedFolder(world, 'Site A');
  });
  after(async () => {
    for (const step of cleanUp) await step();
    cleanUp = [];
  });

  it(`a write on a full ${kind} disk answers 507 storage_full (a themed page in the UI), reads keep answering, and writes work again once there is room`, async function () {
    this.timeout(120_000);
    const folder = (await world.as('admin', 'post', api('/folders')).send({ name: 'Before the disk filled' }).expect(201)).body.id as string;
    const makeRoom = await fill();

    const refused = await firstRefusal((n) => world.as('admin', 'post', api('/folders')).send({ name: `Folder ${n}` }));
    expect(refused.status, refused.text).to.equal(507);
    expect(refused.body.error).to.include({ code: 'storage_full', message: storageFullMessage });

    const admin = world.actors.admin;
    const page = await firstRefusal((n) => request(app.handler).post('/t/rakennus/folders').set('Cookie', admin.cookie!).set('Accept', 'text/html').type('form').send({ _csrf: admin.csrf!, name: `Page folder ${n}` }));
    expect(page.status).to.equal(507);
    expect(page.text).to.contain('Error 507').and.to.contain('The server&#x27;s disk is full, so nothing was saved.');

    await world.as('admin', 'get', '/api/v1/me').expect(200);
    await world.as('member', 'get', api('/folders')).expect(200);
    await world.as('admin', 'get', api(`/folders/${folder}`)).expect(200);
    await request(app.handler).get('/t/rakennus').set('Cookie', admin.cookie!).expect(200);

    await makeRoom();
    await world.as('admin', 'post', api('/folders')).send({ name: 'After room was made' }).expect(201);
    // The view answered while the disk was full waited in memory and is written now.
    await app.kirjuri.audit.log.flush();
    expect(app.kirjuri.audit.log.pending).to.equal(0);
    const views = await app.kirjuri.db.selectRows<{ n: unknown }>("SELECT COUNT(*) AS n FROM kirjuri_audit_entries WHERE action = 'folder.view' AND object_id = $1", [folder]);
    expect(Number(views[0]!.n)).to.equal(1);
    expect((await world.as('admin', 'get', api('/audit/verify')).expect(200)).body).to.include({ ok: true });
  });
});
