import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, sharedFolder, type AccessWorld, type ActorName } from '../helpers/access-world.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

type Parser = Parameters<request.Test['parse']>[0];

const survey = {
  name: 'Site survey', kind: 'form',
  fields: [
    { key: 'site', type: 'text', label: 'Site', required: true },
    { key: 'photos', type: 'photo', label: 'Photos' },
    { key: 'documents', type: 'file', label: 'Documents', accept: ['application/pdf', 'text/plain'] },
    { key: 'cover', type: 'photo', label: 'Cover photo', multiple: false },
    { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }, { key: 'picture', type: 'photo', label: 'Picture' }] },
  ],
};

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const chooseAgain = 'The photos and files you chose were not saved: choose them again before you save (a browser cannot keep them in the form).';

/** A small JPEG taken 30 Nov 2026 08:15 (+02:00) at 60.175 N, 24.9333 E, as a phone would write it. */
async function phonePhoto(colour = '#2060c0'): Promise<Buffer> {
  return await sharp({ create: { width: 120, height: 90, channels: 3, background: colour } }).jpeg({ quality: 80 }).withExifMerge({
    IFD2: { DateTimeOriginal: '2026:11:30 08:15:00', OffsetTimeOriginal: '+02:00' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '60/1 10/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '24/1 56/1 0/1' },
  }).toBuffer();
}

/** A supertest parser that keeps the body as bytes whatever its type. */
const binary: Parser = (res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The files (names) under a directory that hold `marker`, by grep. */
function filesHolding(directory: string, marker: string): string[] {
  const found = spawnSync('grep', ['-rlsF', '--binary-files=text', marker, directory], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return found.stdout.split('\n').filter(Boolean);
}

/** One part of a multipart form, in order: a text field, or a chosen file. */
type Part = [string, string] | [string, { content: Buffer; filename: string; type?: string }];

forEachDatabase('the record form with photos and files', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let folderId: string;
  let templateId: string;
  let server: Server;
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;
  const idFrom = (location: string): string => /\/records\/([^/?#]+)/.exec(location)![1]!;
  const recordOf = async (id: string): Promise<{ data: Record<string, unknown>; revision: number }> => (await world.as('admin', 'get', api(`/records/${id}`)).expect(200)).body;
  const fileRows = async (): Promise<Array<{ id: string; record_id: string; field_path: string; blob_id: string; name: string; mime: string }>> =>
    app.kirjuri.db.selectRows('SELECT id, record_id, field_path, blob_id, name, mime FROM records_files ORDER BY created_at, id', []);
  const blobRows = async (): Promise<number> => Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs', []))[0]!.n);
  const storedKeys = async (): Promise<string[]> => {
    const keys: string[] = [];
    for await (const entry of app.kirjuri.blobs.list('')) keys.push(entry.key);
    return keys.sort();
  };
  /** What is stored now: file rows, blob rows and ciphertext, to compare before and after a refusal. */
  const storedNow = async (): Promise<{ files: number; blobs: number; keys: string[] }> => ({ files: (await fileRows()).length, blobs: await blobRows(), keys: await storedKeys() });

  /** Posts a form as a browser does without scripts: the session cookie, no X-CSRF-Token header, the parts in order (`_csrf` first unless told). */
  function submit(actor: ActorName, path: string, parts: Part[], options: { csrf?: string | null } = {}): request.Test {
    const who = world.actors[actor];
    const test = request(app.handler).post(path).set('Cookie', who.cookie!).set('Accept', 'text/html');
    const token = options.csrf === undefined ? who.csrf : options.csrf;
    if (token !== null) test.field('_csrf', token!);
    for (const [name, value] of parts) {
      if (typeof value === 'string') test.field(name, value);
      else test.attach(name, value.content, { filename: value.filename, contentType: value.type ?? 'application/octet-stream' });
    }
    return test;
  }
  const newRecord = (parts: Part[], options: { csrf?: string | null; actor?: ActorName; action?: string } = {}): request.Test =>
    submit(options.actor ?? 'member', '/t/rakennus/records/new', [['templateId', templateId], ['folderId', folderId], ['title', 'Survey'], ['_action', options.action ?? 'draft'], ...parts], options);

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' }, files: { maxFileBytes: 300_000 } });
    world = await buildAccessWorld(app);
    folderId = await sharedFolder(world, 'Site A');
    templateId = (await world.as('manager', 'post', api('/templates')).send(survey).expect(201)).body.id as string;
    server = createServer(app.handler).listen(0, '127.0.0.1');
  });
  after(async () => {
    server?.close();
    await app?.close();
  });

  it('the form is multipart with an image input for photos (camera or gallery) (multiple only where the field allows), an accept list for files, and the limits said', async () => {
    const html = (await world.as('member', 'get', `/t/rakennus/records/new?templateId=${templateId}&folderId=${folderId}`).set('Accept', 'text/html').expect(200)).text;
    expect(html).to.contain('enctype="multipart/form-data"');
    expect(html).to.match(/<form[^>]*enctype="multipart\/form-data"[^>]*>\s*<input type="hidden" name="_csrf"/);
    expect(html).to.contain('type="file" id="field-data-photos-input" name="data.photos" accept="image/*" multiple');
    expect(html).to.contain('type="file" id="field-data-cover-input" name="data.cover" accept="image/*" aria-describedby');
    expect(html).to.contain('type="file" id="field-data-documents-input" name="data.documents" accept="application/pdf,text/plain" multiple aria-describedby');
    expect(html).to.contain('name="data.rows.0.picture"').and.to.contain('name="data.rows.__INDEX__.picture"');
    expect(html).to.contain('Up to 20 photos, each at most 293 KB.').and.to.contain('One photo of at most 293 KB; choosing another replaces it.').and.to.contain('Up to 20 files (PDF, plain text), each at most 293 KB.');
    expect(html).to.contain('data-upload-progress').and.not.to.contain('comes in the next version');
  });

  it('a new record with a photo, a file and a group row photo is made in one submit: record, file rows, blobs and audit entries together, shown on its page', async () => {
    const before = await storedNow();
    const photo = await phonePhoto();
    const res = await newRecord([
      ['data.site', 'Pasila'],
      ['data.photos', { content: photo, filename: 'IMG_0001.JPG', type: 'image/jpeg' }],
      ['data.documents', { content: pdf, filename: 'Työmaa raportti.pdf' }],
      ['data.rows.0.note', ''], ['data.rows.1.note', 'North wall'], ['data.rows.1.picture', { content: await phonePhoto('#c02020'), filename: 'wall.jpg' }],
    ]).expect(303);
    const id = idFrom(res.headers.location as string);
    const files = (await fileRows()).filter((file) => file.record_id === id);
    expect(files.map((file) => [file.field_path, file.name, file.mime])).to.deep.equal([['photos', 'IMG_0001.JPG', 'image/jpeg'], ['documents', 'Työmaa raportti.pdf', 'application/pdf'], ['rows.1.picture', 'wall.jpg', 'image/jpeg']]);
    const record = await recordOf(id);
    expect(record.data).to.deep.equal({ site: 'Pasila', photos: [files[0]!.id], documents: [files[1]!.id], rows: [{ note: 'North wall', picture: [files[2]!.id] }] });
    const blobIds = await app.kirjuri.db.selectRows<{ id: string }>('SELECT id FROM kirjuri_blobs WHERE id IN ($1, $2, $3)', files.map((file) => file.blob_id));
    expect(blobIds).to.have.length(3);
    expect((await storedNow()).files).to.equal(before.files + 3);
    const audit = await app.kirjuri.db.selectRows<{ action: string; object_id: string }>("SELECT action, object_id FROM kirjuri_audit_entries WHERE action IN ('record.create', 'file.upload') AND (object_id = $1 OR details LIKE $2) ORDER BY seq", [id, `%${id}%`]);
    expect(audit.map((entry) => entry.action)).to.deep.equal(['file.upload', 'file.upload', 'file.upload', 'record.create']);
    const download = await world.as('viewer', 'get', api(`/files/${files[0]!.id}`)).buffer(true).parse(binary).expect(200);
    expect((download.body as Buffer).equals(photo)).to.equal(true);

    const page = (await world.as('member', 'get', res.headers.location as string).set('Accept', 'text/html').expect(200)).text;
    expect(page).to.contain(`<img class="record-photo__image" src="/api/v1/t/rakennus/files/${files[0]!.id}/thumbnail" loading="lazy" alt="Photo IMG_0001.JPG"`);
    expect(page).to.contain(`href="/api/v1/t/rakennus/files/${files[0]!.id}/thumbnail?size&#x3D;preview"`).and.to.contain(`<a href="/api/v1/t/rakennus/files/${files[0]!.id}" download>Download original</a>`);
    expect(page).to.contain('<time datetime="2026-11-30T06:15:00.000Z">').and.to.contain('href="geo:60.175,24.9333333"').and.to.contain('60.17500, 24.93333');
    expect(page).to.match(new RegExp(`<a href="/api/v1/t/rakennus/files/${files[1]!.id}" download>Työmaa raportti.pdf</a> <span class="record-muted">\\d+ bytes, PDF</span>`));
    expect(page).to.contain(`src="/api/v1/t/rakennus/files/${files[2]!.id}/thumbnail"`).and.to.contain('North wall');
    const thumbnail = await world.as('member', 'get', api(`/files/${files[0]!.id}/thumbnail`)).set('Accept', 'image/*').buffer(true).parse(binary);
    expect(thumbnail.status).to.be.oneOf([200, 202]);
  });

  it('editing adds photos, removes an attached file with its checkbox, and a single-photo field takes a new photo in place of its old one', async () => {
    const created = await newRecord([
      ['data.site', 'Käpylä'], ['data.photos', { content: await phonePhoto(), filename: 'first.jpg' }],
      ['data.documents', { content: pdf, filename: 'plan.pdf' }], ['data.cover', { content: await phonePhoto('#208020'), filename: 'cover-1.jpg' }],
    ]).expect(303);
    const id = idFrom(created.headers.location as string);
    const { data, revision } = await recordOf(id);
    const [first] = data.photos as string[];
    const [plan] = data.documents as string[];
    const edit = (await world.as('member', 'get', `/t/rakennus/records/${id}/edit`).set('Accept', 'text/html').expect(200)).text;
    expect(edit).to.contain(`<input type="hidden" name="data.photos" value="${first}">`).and.to.contain(`src="/api/v1/t/rakennus/files/${first}/thumbnail" alt="first.jpg" loading="lazy"`);
    expect(edit).to.match(new RegExp(`<input type="checkbox" id="field-data-documents-remove-0" name="_removeFile" value="${plan}"> Remove<span class="visually-hidden"> plan.pdf</span>`));
    expect(edit).to.contain(`<a href="/api/v1/t/rakennus/files/${plan}" download>plan.pdf</a>`);

    const res = await submit('member', `/t/rakennus/records/${id}/edit`, [
      ['revision', String(revision)], ['title', 'Survey'], ['_action', 'draft'], ['data.site', 'Käpylä'],
      ['data.photos', first!], ['data.photos', { content: await phonePhoto('#808080'), filename: 'second.jpg' }],
      ['data.documents', plan!], ['_removeFile', plan!],
      ['data.cover', (data.cover as string[])[0]!], ['data.cover', { content: await phonePhoto('#802080'), filename: 'cover-2.jpg' }],
    ]).expect(303);
    expect(res.headers.location).to.equal(`/t/rakennus/records/${id}?saved=saved`);
    const saved = await recordOf(id);
    const names = new Map((await fileRows()).filter((file) => file.record_id === id).map((file) => [file.id, file.name]));
    expect((saved.data.photos as string[]).map((file) => names.get(file))).to.deep.equal(['first.jpg', 'second.jpg']);
    expect((saved.data.cover as string[]).map((file) => names.get(file))).to.deep.equal(['cover-2.jpg']);
    expect(saved.data).not.to.have.property('documents');
    expect(saved.revision).to.equal(revision + 1);
  });

  it('a refused save keeps nothing it stored (no rows, no ciphertext) and shows the form again as typed with the sentence: wrong type 415, too large 413, validation 422', async () => {
    const before = await storedNow();
    const wrongType = await newRecord([
      ['data.site', 'Typed site'], ['data.photos', { content: await phonePhoto(), filename: 'good.jpg' }], ['data.photos', { content: pdf, filename: 'scan.pdf' }],
      ['data.rows.0.note', 'Typed after the files'],
    ]).expect(415);
    expect(wrongType.text).to.contain(chooseAgain).and.to.contain('value="Typed site"').and.to.contain('value="Typed after the files"');
    expect(wrongType.text).to.match(/id="field-data-photos-error"[^>]*>.*&quot;scan.pdf&quot;: The file is a PDF document, but this field takes images/);
    expect(await storedNow()).to.deep.equal(before);

    const tooLarge = await newRecord([['data.site', 'Big'], ['data.documents', { content: Buffer.from('x'.repeat(400_000)), filename: 'big.txt' }]]).expect(413);
    expect(tooLarge.text).to.contain(chooseAgain).and.to.contain('value="Big"').and.to.match(/&quot;big.txt&quot;: The file is larger than/);
    expect(await storedNow()).to.deep.equal(before);

    const invalid = await newRecord([['data.site', ''], ['data.photos', { content: await phonePhoto(), filename: 'kept-not.jpg' }]], { action: 'save' }).expect(422);
    expect(invalid.text).to.contain('The record was not saved: check the fields below.').and.to.contain(chooseAgain).and.to.match(/id="field-data-site-error"/);
    expect(invalid.text).not.to.contain('kept-not.jpg');
    expect(await storedNow()).to.deep.equal(before);
  });

  it('a streamed form without its _csrf token first, or with a wrong one, is refused (403) before any file is stored', async () => {
    const before = await storedNow();
    const photo: Part = ['data.photos', { content: await phonePhoto(), filename: 'csrf.jpg' }];
    for (const csrf of [null, 'wrong', world.actors.viewer.csrf]) {
      const res = await newRecord([['data.site', 'CSRF'], photo], { csrf }).expect(403);
      expect(res.text).to.contain('CSRF token');
    }
    // The token after the file is too late: the file would have been stored before it was checked.
    const late = await submit('member', '/t/rakennus/records/new', [['templateId', templateId], ['folderId', folderId], ['title', 'Late'], photo, ['_csrf', world.actors.member.csrf!]], { csrf: null }).expect(403);
    expect(late.text).to.contain('must come before its files');
    // A form that is refused access to the place stores nothing either: a viewer of the folder may not make records in it.
    await newRecord([['data.site', 'Viewer'], photo], { actor: 'viewer' }).expect(403);
    expect(await storedNow()).to.deep.equal(before);
    const list = await world.as('admin', 'get', api(`/records?folderId=${folderId}&q=csrf`)).expect(200);
    expect(list.body.items).to.deep.equal([]);
  });

  it('a form cut off in its second file keeps neither file nor record; a viewer\'s edit with a file and a save over a newer revision keep nothing either', async () => {
    const before = await storedNow();
    const boundary = 'cutoffboundary';
    const part = (name: string, value: string): string => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const filePart = (name: string, filename: string): string => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write([
      'POST /t/rakennus/records/new HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${world.actors.member.cookie}`, `Content-Type: multipart/form-data; boundary=${boundary}`, 'Content-Length: 900000', '', '',
    ].join('\r\n'));
    socket.write(part('_csrf', world.actors.member.csrf!) + part('templateId', templateId) + part('folderId', folderId) + part('title', 'Cut off') + part('data.site', 'Cut'));
    socket.write(filePart('data.photos', 'whole.jpg'));
    socket.write(Buffer.concat([await phonePhoto(), Buffer.from('\r\n')]));
    socket.write(filePart('data.photos', 'half.jpg'));
    socket.write(Buffer.concat([await phonePhoto(), randomBytes(100_000)]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storedNow()).to.deep.equal(before);
    expect((await world.as('admin', 'get', api(`/records?folderId=${folderId}&q=cut`)).expect(200)).body.items).to.deep.equal([]);

    const made = await newRecord([['data.site', 'Edited later']]).expect(303);
    const id = idFrom(made.headers.location as string);
    const { revision } = await recordOf(id);
    const photo: Part = ['data.photos', { content: await phonePhoto(), filename: 'late.jpg' }];
    const afterMade = await storedNow();
    await submit('viewer', `/t/rakennus/records/${id}/edit`, [['revision', String(revision)], ['title', 'Survey'], ['data.site', 'Viewer'], photo]).expect(403);
    await world.as('member', 'patch', api(`/records/${id}`)).send({ title: 'Changed meanwhile' }).expect(200);
    const conflict = await submit('member', `/t/rakennus/records/${id}/edit`, [['revision', String(revision)], ['title', 'Survey'], ['_action', 'draft'], ['data.site', 'Mine'], photo]).expect(409);
    expect(conflict.text).to.contain('Someone else saved this record').and.to.contain(chooseAgain).and.to.contain('value="Mine"');
    expect(await storedNow()).to.deep.equal(afterMade);
  });

  it('no plaintext byte of a file chosen in the form reaches the disk: its marker is in neither the data dir nor the temp dir', async () => {
    const marker = `KIRJURI-FORM-MARKER-${randomUUID()}`;
    const content = Buffer.from(`${marker}\n`.repeat(4000));
    const res = await newRecord([['data.site', 'Marker'], ['data.documents', { content, filename: 'notes.txt' }], ['data.photos', { content: Buffer.concat([await phonePhoto(), randomBytes(10)]), filename: 'p.jpg' }]]).expect(303);
    const { data } = await recordOf(idFrom(res.headers.location as string));
    const back = await world.as('member', 'get', api(`/files/${(data.documents as string[])[0]}`)).buffer(true).parse(binary).expect(200);
    expect((back.body as Buffer).equals(content)).to.equal(true);
    expect(filesHolding(app.kirjuri.config.dataDir, marker)).to.deep.equal([]);
    expect(filesHolding(tmpdir(), marker)).to.deep.equal([]);
  });
});
