import { expect } from 'chai';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type request from 'supertest';

type Parser = Parameters<request.Test['parse']>[0];
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, sharedFolder, type AccessWorld, type ActorName } from '../helpers/access-world.ts';
import { tinyPngBase64 } from '../helpers/record-templates.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const tinyPng = Buffer.from(tinyPngBase64, 'base64');
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

const report = {
  name: 'Site report', kind: 'form',
  fields: [
    { key: 'site', type: 'text', label: 'Site' },
    { key: 'photos', type: 'photo', label: 'Photos' },
    { key: 'documents', type: 'file', label: 'Documents', accept: ['application/pdf', 'text/plain'] },
    { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }, { key: 'picture', type: 'photo', label: 'Picture' }] },
  ],
};

/** A supertest parser that keeps the body as bytes whatever its type. */
const binary = (res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The stored keys of the blob store. */
async function storedKeys(app: TestApp): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of app.kirjuri.blobs.list('')) keys.push(entry.key);
  return keys.sort();
}

/** The files (names) under a directory that hold `marker`, by grep. */
function filesHolding(directory: string, marker: string): string[] {
  const found = spawnSync('grep', ['-rlsF', '--binary-files=text', marker, directory], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return found.stdout.split('\n').filter(Boolean);
}

forEachDatabase('record files', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let server: Server;
  let recordId: string;
  let privateRecordId: string;
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;
  const upload = (as: ActorName, field: string | null, content: Buffer, filename = 'photo.jpg', id = recordId): request.Test => {
    const test = world.as(as, 'post', api(`/records/${id}/files`));
    if (field !== null) test.field('field', field);
    return test.attach('file', content, { filename, contentType: 'image/jpeg' });
  };
  const fileRows = async (): Promise<number> => Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM records_files', []))[0]!.n);

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' }, files: { maxFileBytes: 300_000 } });
    world = await buildAccessWorld(app);
    const folderId = await sharedFolder(world, 'Site A');
    const templateId = (await world.as('manager', 'post', api('/templates')).send(report).expect(201)).body.id as string;
    recordId = (await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'Report 1', data: {}, draft: true }).expect(201)).body.id as string;
    const privateFolder = (await world.as('admin', 'post', api('/folders')).send({ name: 'Private' }).expect(201)).body.id as string;
    privateRecordId = (await world.as('admin', 'post', api('/records')).send({ templateId, folderId: privateFolder, title: 'Private', data: {}, draft: true }).expect(201)).body.id as string;
    server = createServer(app.handler).listen(0, '127.0.0.1');
  });
  after(async () => {
    server?.close();
    await app?.close();
  });

  it('POST .../files stores a file (201) that GET .../files/:id gives back byte for byte, with its headers, and the record keeps its id with the next save', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(150_000)]);
    const res = await world.as('member', 'post', api(`/records/${recordId}/files`)).field('field', 'documents').attach('file', content, { filename: 'Työmaa raportti.pdf', contentType: 'application/octet-stream' }).expect(201);
    expect(res.body).to.deep.include({ name: 'Työmaa raportti.pdf', size: content.length, mime: 'application/pdf', sha256: createHash('sha256').update(content).digest('hex'), takenAt: null, location: null });
    const download = await world.as('viewer', 'get', api(`/files/${res.body.id}`)).buffer(true).parse(binary as unknown as Parser).expect(200);
    expect((download.body as Buffer).equals(content)).to.equal(true);
    expect(download.headers).to.include({
      'content-type': 'application/pdf', 'content-length': String(content.length), 'x-content-type-options': 'nosniff', 'accept-ranges': 'bytes', etag: `"${res.body.sha256}"`,
      'content-disposition': 'attachment; filename="Ty_maa raportti.pdf"; filename*=UTF-8\'\'Ty%C3%B6maa%20raportti.pdf',
    });
    expect(download.headers['cache-control']).to.match(/^private/);
    const saved = await world.as('member', 'patch', api(`/records/${recordId}`)).send({ data: { documents: [res.body.id] } }).expect(200);
    expect(saved.body.data.documents).to.deep.equal([res.body.id]);
    const audit = await app.kirjuri.db.selectRows<{ action: string }>('SELECT action FROM kirjuri_audit_entries WHERE object_id = $1', [res.body.id]);
    expect(audit.map((row) => row.action)).to.include('file.upload');
  });

  it('GET .../files/:id answers a single Range with 206 and Content-Range, an unsatisfiable one with 416, and If-None-Match with 304', async () => {
    const content = Buffer.concat([Buffer.from('plain text\n'), Buffer.from('x'.repeat(200_000))]);
    const { id, sha256 } = (await upload('member', 'documents', content, 'notes.txt').expect(201)).body as { id: string; sha256: string };
    const part = await world.as('viewer', 'get', api(`/files/${id}`)).set('Range', 'bytes=65530-131080').buffer(true).parse(binary as unknown as Parser).expect(206);
    expect(part.headers['content-range']).to.equal(`bytes 65530-131080/${content.length}`);
    expect((part.body as Buffer).equals(content.subarray(65530, 131081))).to.equal(true);
    const tail = await world.as('viewer', 'get', api(`/files/${id}`)).set('Range', 'bytes=-5').buffer(true).parse(binary as unknown as Parser).expect(206);
    expect((tail.body as Buffer).toString()).to.equal('xxxxx');
    const outside = await world.as('viewer', 'get', api(`/files/${id}`)).set('Range', `bytes=${content.length}-`).expect(416);
    expect(outside.headers['content-range']).to.equal(`bytes */${content.length}`);
    await world.as('viewer', 'get', api(`/files/${id}`)).set('If-None-Match', `"${sha256}"`).expect(304);
  });

  it('POST .../files refuses bad input, keeping no row and no stored bytes: too large 413, wrong type 415, empty 422, not a file field 422, file before field 400', async () => {
    const rowsBefore = await fileRows();
    const keysBefore = await storedKeys(app);
    const tooLarge = await upload('member', 'photos', Buffer.concat([tinyPng, randomBytes(400_000)])).expect(413);
    expect(tooLarge.body.error.code).to.equal('file_too_large');
    const exe = await upload('member', 'documents', Buffer.concat([Buffer.from('MZ'), randomBytes(1000)]), 'report.pdf').expect(415);
    expect(exe.body.error.message).to.contain('a Windows program');
    const pdfAsPhoto = await upload('member', 'photos', pdf, 'photo.jpg').expect(415);
    expect(pdfAsPhoto.body.error.message).to.equal('The file is a PDF document, but this field takes images (JPEG, PNG, WebP, HEIC, GIF).');
    await upload('member', 'documents', tinyPng, 'scan.pdf').expect(415);
    const empty = await upload('member', 'photos', Buffer.alloc(0)).expect(422);
    expect(empty.body.error.code).to.equal('empty_file');
    for (const field of ['site', 'nothing', 'rows', '../photos']) {
      const res = await upload('member', field, tinyPng).expect(422);
      expect(res.body.error.code).to.equal('not_a_file_field');
    }
    const noField = await upload('member', null, tinyPng).expect(400);
    expect(noField.body.error.code).to.equal('field_first');
    await world.as('member', 'post', api(`/records/${recordId}/files`)).send({ field: 'photos' }).expect(400);
    expect(await fileRows()).to.equal(rowsBefore);
    expect(await storedKeys(app)).to.deep.equal(keysBefore);
  });

  it('POST .../files stores a PNG sent as a JPEG as image/png, and shows a name with ../ or control characters cleaned; a group row field takes photos too', async () => {
    const png = await upload('member', 'photos', tinyPng, 'holiday.jpg').expect(201);
    expect(png.body).to.include({ mime: 'image/png', name: 'holiday.jpg' });
    const sneaky = await upload('member', 'photos', tinyPng, '../../etc/pass\u202Ewd\u200Fgnp.exe').expect(201);
    expect(sneaky.body.name).to.equal('passwdgnp.exe');
    // A raw control character in a part header is not multipart at all (browsers escape them): refused whole.
    expect((await upload('member', 'photos', tinyPng, 'bell\u0007.png').expect(400)).body.error.code).to.equal('bad_multipart');
    const row = await upload('member', 'rows.0.picture', tinyPng, 'row.png').expect(201);
    await world.as('member', 'patch', api(`/records/${recordId}`)).send({ data: { rows: [{ note: 'a' }, { note: 'b', picture: [row.body.id] }], photos: [png.body.id, sneaky.body.id] } }).expect(200);
    const misplaced = await world.as('member', 'patch', api(`/records/${recordId}`)).send({ data: { photos: [row.body.id, randomUUID()] } }).expect(422);
    expect(misplaced.body.error.details.fields).to.have.keys('data.photos');
    const otherRecord = await world.as('admin', 'patch', api(`/records/${privateRecordId}`)).send({ data: { photos: [png.body.id] } }).expect(422);
    expect(otherRecord.body.error.details.fields).to.have.keys('data.photos');
  });

  it('a viewer may download but not upload; another tenant\'s admin and a member the record is not shared with get 404', async () => {
    const { id } = (await upload('member', 'photos', tinyPng).expect(201)).body as { id: string };
    await upload('viewer', 'photos', tinyPng).expect(403);
    await world.as('viewer', 'get', api(`/files/${id}`)).expect(200);
    await world.as('otherAdmin', 'get', api(`/files/${id}`)).expect(404);
    await world.as('otherAdmin', 'get', `/api/v1/t/${world.otherTenant}/files/${id}`).expect(404);
    const privateFile = (await upload('admin', 'photos', tinyPng, 'p.png', privateRecordId).expect(201)).body.id as string;
    await world.as('member', 'get', api(`/files/${privateFile}`)).expect(404);
    await upload('member', 'photos', tinyPng, 'p.png', privateRecordId).expect(404);
  });

  it('an upload cut off halfway leaves no row and no stored bytes', async () => {
    const rowsBefore = await fileRows();
    const keysBefore = await storedKeys(app);
    const { port } = server.address() as AddressInfo;
    const boundary = 'cutoffboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\nphotos\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`;
    const actor = world.actors.member;
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write([
      `POST ${api(`/records/${recordId}/files`)} HTTP/1.1`, 'Host: 127.0.0.1', `Cookie: ${actor.cookie}`, `X-CSRF-Token: ${actor.csrf}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`, 'Content-Length: 250000', '', '',
    ].join('\r\n'));
    socket.write(head);
    socket.write(Buffer.concat([tinyPng, randomBytes(100_000)]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await fileRows()).to.equal(rowsBefore);
    expect(await storedKeys(app)).to.deep.equal(keysBefore);
  });

  it('no plaintext byte of an upload reaches the disk: a marker in the file is found in neither the data dir nor the temp dir', async () => {
    const marker = `KIRJURI-MARKER-${randomUUID()}`;
    const content = Buffer.from(`${marker}\n`.repeat(5000));
    const { id } = (await upload('member', 'documents', content, 'marker.txt').expect(201)).body as { id: string };
    const back = await world.as('member', 'get', api(`/files/${id}`)).expect(200);
    expect(back.text).to.contain(marker);
    expect(filesHolding(app.kirjuri.config.dataDir, marker)).to.deep.equal([]);
    expect(filesHolding(tmpdir(), marker)).to.deep.equal([]);
  });

  it('deleting a record deletes its files: their rows, their blob rows and, after the commit, their stored bytes', async () => {
    const templateId = (await world.as('member', 'get', api(`/records/${recordId}`)).expect(200)).body.templateId as string;
    const doomed = (await world.as('admin', 'post', api('/records')).send({ templateId, folderId: null, title: 'Doomed', data: {}, draft: true }).expect(201)).body.id as string;
    const keysBefore = await storedKeys(app);
    const blobRows = async (): Promise<number> => Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs', []))[0]!.n);
    const rowsBefore = await blobRows();
    const { id } = (await upload('admin', 'photos', tinyPng, 'gone.png', doomed).expect(201)).body as { id: string };
    // The photo, and its thumbnail and preview (the images plugin's, derived from it).
    expect(await blobRows()).to.equal(rowsBefore + 3);
    expect(await storedKeys(app)).to.have.length(keysBefore.length + 3);
    await world.as('admin', 'delete', api(`/records/${doomed}`)).expect(204);
    await world.as('admin', 'get', api(`/files/${id}`)).expect(404);
    expect(await blobRows()).to.equal(rowsBefore);
    for (let tries = 0; tries < 50 && (await storedKeys(app)).length > keysBefore.length; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await storedKeys(app)).to.deep.equal(keysBefore);
  });

  it('a download whose blob fails its integrity check midway is cut off, not sent short', async () => {
    const content = Buffer.concat([tinyPng, randomBytes(250_000)]);
    const { id } = (await upload('member', 'photos', content).expect(201)).body as { id: string };
    const [file] = await app.kirjuri.db.selectRows<{ blob_id: string }>('SELECT blob_id FROM records_files WHERE id = $1', [id]);
    const row = (await app.kirjuri.keys.blobs.find((await app.kirjuri.identity.tenants.findBySlug(world.tenant))!.id, file!.blob_id))!;
    const stored = await buffer(await app.kirjuri.blobs.get(row.storageKey));
    stored[stored.length - 1000]! ^= 1;
    await app.kirjuri.blobs.put(row.storageKey, Readable.from([stored]));
    const { port } = server.address() as AddressInfo;
    const outcome = await new Promise<{ status: number; received: number; aborted: boolean }>((resolve) => {
      const req = httpRequest({ port, host: '127.0.0.1', path: api(`/files/${id}`), headers: { Cookie: world.actors.member.cookie! } }, (res) => {
        let received = 0;
        let aborted = false;
        res.on('data', (chunk: Buffer) => { received += chunk.length; });
        res.on('aborted', () => { aborted = true; });
        res.on('error', () => { aborted = true; });
        res.on('close', () => resolve({ status: res.statusCode!, received, aborted: aborted || !res.complete }));
      });
      req.on('error', () => resolve({ status: 0, received: 0, aborted: true }));
      req.end();
    });
    expect(outcome.aborted).to.equal(true);
    expect(outcome.received).to.be.below(content.length);
  });
});
