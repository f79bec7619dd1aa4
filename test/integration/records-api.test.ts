import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { buildAccessWorld, sharedFolder, type AccessWorld } from '../helpers/access-world.ts';
import { tinyPngBase64 } from '../helpers/record-templates.ts';

const inspection = {
  name: 'Scaffold inspection', kind: 'form', description: 'Weekly scaffold check.',
  fields: [
    { key: 'site', type: 'text', label: 'Site', required: true },
    { key: 'height', type: 'number', label: 'Height', unit: 'm', min: 0, max: 60 },
    { key: 'condition', type: 'choice', label: 'Condition', options: ['good', 'poor'], required: true },
    { key: 'notes', type: 'longtext', label: 'Notes' },
    { key: 'inspector', type: 'signature', label: 'Inspector', required: true },
  ],
};

forEachDatabase('the records API', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let folderId: string;
  let templateId: string;
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    folderId = await sharedFolder(world, 'Site A');
    templateId = (await world.as('manager', 'post', api('/templates')).send(inspection).expect(201)).body.id;
  });
  after(async () => app?.close());

  it('POST .../templates refuses an unknown field type and a duplicate key with their paths (422), and members may not make templates (403)', async () => {
    const bad = await world.as('manager', 'post', api('/templates')).send({ name: 'Broken', kind: 'form', fields: [{ key: 'a', type: 'text', label: 'A' }, { key: 'a', type: 'text', label: 'B' }, { key: 'c', type: 'colour', label: 'C' }] }).expect(422);
    expect(bad.body.error.code).to.equal('invalid_template');
    expect(bad.body.error.details.fields).to.have.keys('fields[1].key', 'fields[2].type');
    await world.as('member', 'post', api('/templates')).send(inspection).expect(403);
    const taken = await world.as('manager', 'post', api('/templates')).send({ ...inspection, name: 'SCAFFOLD inspection' }).expect(409);
    expect(taken.body.error.code).to.equal('name_taken');
  });

  it('POST .../records refuses data that breaks the template with 422 naming each failing key, and saves nothing', async () => {
    const res = await world.as('member', 'post', api('/records')).send({
      templateId, folderId, title: 'Week 48', data: { height: 61, condition: 'excellent', colour: 'red', notes: 7 },
    }).expect(422);
    expect(res.body.error.code).to.equal('invalid_record_data');
    expect(res.body.error.details.fields).to.have.keys('data.site', 'data.height', 'data.condition', 'data.colour', 'data.notes', 'data.inspector');
    const list = await world.as('admin', 'get', api(`/records?folderId=${folderId}`)).expect(200);
    expect(list.body.items.filter((r: { title: string }) => r.title === 'Week 48')).to.deep.equal([]);
  });

  it('a draft waits for required fields, completing needs them and a drawn signature, and a completed record needs manage access to change', async () => {
    const draft = await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'Week 49', data: { site: 'Pasila' }, draft: true }).expect(201);
    expect(draft.body).to.deep.include({ status: 'draft', revision: 1, access: 'manage', templateVersion: 1 });
    const id = draft.body.id as string;
    const incomplete = await world.as('member', 'patch', api(`/records/${id}`)).send({ status: 'completed' }).expect(422);
    expect(incomplete.body.error.details.fields).to.have.keys('data.condition', 'data.inspector');
    // The refused save left revision 1 as it was.
    expect((await world.as('member', 'get', api(`/records/${id}`)).expect(200)).body).to.deep.include({ revision: 1, status: 'draft' });
    const image = `data:image/png;base64,${tinyPngBase64}`;
    const done = await world.as('member', 'patch', api(`/records/${id}`)).send({ status: 'completed', revision: 1, data: { site: 'Pasila', condition: 'good', inspector: { image } } }).expect(200);
    expect(done.body).to.deep.include({ status: 'completed', revision: 2 });
    const signature = done.body.data.inspector as { signatureId: string; signedByName: string; signedAt: string };
    expect(signature.signedByName).to.equal('Member');
    const png = await world.as('viewer', 'get', api(`/records/${id}/signatures/${signature.signatureId}`)).expect(200);
    expect(png.headers['content-type']).to.equal('image/png');
    expect(Buffer.from(png.body as Buffer).subarray(0, 4).toString('hex')).to.equal('89504e47');
    // A stale revision is refused, not silently overwritten.
    const stale = await world.as('admin', 'patch', api(`/records/${id}`)).send({ title: 'Late', revision: 1 }).expect(409);
    expect(stale.body.error.code).to.equal('revision_conflict');
    // The member edits the folder (a share), so they may not change the completed record: they reach it through the folder grant... but own it.
    const other = await world.as('manager', 'post', api('/records')).send({ templateId, folderId, title: 'Manager record', data: { site: 'X', condition: 'good', inspector: { image } } }).expect(201);
    await world.as('manager', 'patch', api(`/records/${other.body.id}`)).send({ status: 'completed' }).expect(200);
    const refused = await world.as('member', 'patch', api(`/records/${other.body.id}`)).send({ title: 'Changed' }).expect(403);
    expect(refused.body.error.code).to.equal('forbidden');
    // A made-up signature reference is refused.
    const forged = await world.as('manager', 'patch', api(`/records/${other.body.id}`)).send({ data: { site: 'X', condition: 'good', inspector: { signatureId: signature.signatureId } } }).expect(422);
    expect(forged.body.error.details.fields).to.have.keys('data.inspector');
    const changed = await world.as('manager', 'patch', api(`/records/${id}`)).send({ data: { site: 'Pasila', condition: 'poor', inspector: signature } }).expect(200);
    expect(changed.body).to.deep.include({ status: 'completed', revision: 3 });
    const revisions = await world.as('member', 'get', api(`/records/${id}/revisions`)).expect(200);
    expect(revisions.body.items.map((r: { revision: number; change: string }) => [r.revision, r.change])).to.deep.equal([[3, 'saved'], [2, 'completed'], [1, 'created']]);
    const diff = await world.as('member', 'get', api(`/records/${id}/diff?from=1&to=3`)).expect(200);
    expect(diff.body.status).to.deep.equal({ before: 'draft', after: 'completed' });
    expect(diff.body.changes.map((c: { path: string; kind: string }) => `${c.path}:${c.kind}`)).to.deep.equal(['condition:added', 'inspector:added']);
  });

  it('a published template change makes version 2, and earlier records keep version 1', async () => {
    const before = await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'Old form', data: {}, draft: true }).expect(201);
    const published = await world.as('manager', 'patch', api(`/templates/${templateId}`)).send({ ...inspection, fields: [...inspection.fields, { key: 'weather', type: 'text', label: 'Weather' }] }).expect(200);
    expect(published.body.version).to.equal(2);
    const fresh = await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'New form', data: { weather: 'rain' }, draft: true }).expect(201);
    expect(fresh.body.templateVersion).to.equal(2);
    const old = await world.as('member', 'patch', api(`/records/${before.body.id}`)).send({ data: { weather: 'rain' } }).expect(422);
    expect(old.body.error.details.fields).to.have.keys('data.weather');
    await world.as('manager', 'patch', api(`/templates/${templateId}`)).send({ ...inspection, kind: 'journal' }).expect(422);
    const v1 = await world.as('member', 'get', api(`/templates/${templateId}/versions/1`)).expect(200);
    expect(v1.body.definition.fields).to.have.length(5);
  });

  it('journal entries are appended with server time and author, corrections name what they correct, and forms take none', async () => {
    const diary = (await world.as('manager', 'post', api('/template-library/site-diary')).expect(201)).body;
    expect(diary.kind).to.equal('journal');
    const made = await world.as('member', 'post', api('/records')).send({ templateId: diary.id, folderId, title: 'Diary Pasila', data: {}, draft: true });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const journal = made.body;
    const first = await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'Concrete poured.', data: { weather: 'rain', temperature: 4 } }).expect(201);
    expect(first.body).to.deep.include({ seq: 1, text: 'Concrete poured.', corrects: null });
    expect(Date.parse(first.body.at)).to.be.closeTo(Date.now(), 60_000);
    const fix = await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'Correction: slab B, not A.', corrects: first.body.id }).expect(201);
    expect(fix.body).to.deep.include({ seq: 2, corrects: first.body.id });
    const fixOfFix = await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'Correction of the correction: slab C.', corrects: fix.body.id }).expect(201);
    expect(fixOfFix.body.seq).to.equal(3);
    await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'x', corrects: 'no-such-entry' }).expect(422);
    const missing = await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'No weather', data: { temperature: 'warm' } }).expect(422);
    expect(missing.body.error.details.fields).to.have.keys('data.weather', 'data.temperature');
    await world.as('viewer', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'A viewer writes' }).expect(403);
    const entries = await world.as('viewer', 'get', api(`/records/${journal.id}/entries`)).expect(200);
    expect(entries.body.items.map((e: { seq: number }) => e.seq)).to.deep.equal([1, 2, 3]);
    const paged = await world.as('viewer', 'get', api(`/records/${journal.id}/entries?limit=2`)).expect(200);
    const rest = await world.as('viewer', 'get', api(`/records/${journal.id}/entries?limit=2&cursor=${paged.body.nextCursor}`)).expect(200);
    expect(rest.body).to.deep.include({ nextCursor: null });
    expect(rest.body.items.map((e: { seq: number }) => e.seq)).to.deep.equal([3]);
    const form = (await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'Not a diary', data: {}, draft: true }).expect(201)).body;
    expect((await world.as('member', 'post', api(`/records/${form.id}/entries`)).send({ text: 'x' }).expect(422)).body.error.code).to.equal('not_a_journal');
    // A journal with a chain of corrections deletes whole.
    await world.as('member', 'delete', api(`/records/${journal.id}`)).expect(204);
  });

  it('a signature drawn in a journal entry is stored with its signer and served as an image', async () => {
    const template = (await world.as('manager', 'post', api('/templates')).send({
      name: 'Handover diary', kind: 'journal', fields: [{ key: 'site', type: 'text', label: 'Site' }],
      entryFields: [{ key: 'received_by', type: 'signature', label: 'Received by', required: true }],
    }).expect(201)).body;
    const journal = (await world.as('member', 'post', api('/records')).send({ templateId: template.id, folderId, title: 'Handovers', data: {} }).expect(201)).body;
    const unsigned = await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'Keys handed over.' }).expect(422);
    expect(unsigned.body.error.details.fields).to.have.keys('data.received_by');
    const entry = await world.as('member', 'post', api(`/records/${journal.id}/entries`)).send({ text: 'Keys handed over.', data: { received_by: { image: `data:image/png;base64,${tinyPngBase64}` } } }).expect(201);
    const reference = entry.body.data.received_by as { signatureId: string; signedByName: string };
    expect(reference.signedByName).to.equal('Member');
    const png = await world.as('viewer', 'get', api(`/records/${journal.id}/signatures/${reference.signatureId}`)).expect(200);
    expect(png.headers['content-type']).to.equal('image/png');
  });

  it('a signature is stored encrypted in the blob store, not in the database; one saved before that moves over at start', async () => {
    const template = (await world.as('manager', 'post', api('/templates')).send({
      name: 'Sign-off', kind: 'form', fields: [{ key: 'by', type: 'signature', label: 'Signed by' }],
    }).expect(201)).body;
    const drawn = `data:image/png;base64,${tinyPngBase64}`;
    const record = (await world.as('member', 'post', api('/records')).send({ templateId: template.id, folderId, title: 'Signed', data: { by: { image: drawn } }, draft: true }).expect(201)).body;
    const signatureId = (record.data.by as { signatureId: string }).signatureId;
    const [row] = await app.kirjuri.db.selectRows<{ image: string; blob_id: string | null; tenant_id: string }>('SELECT image, blob_id, tenant_id FROM records_signatures WHERE id = $1', [signatureId]);
    expect(row!.image).to.equal('');
    expect(row!.blob_id).to.be.a('string');
    const stored = (await app.kirjuri.db.selectRows<{ storage_key: string }>('SELECT storage_key FROM kirjuri_blobs WHERE id = $1', [row!.blob_id]))[0]!;
    const ciphertext = await buffer(await app.kirjuri.blobs.get(stored.storage_key));
    expect(ciphertext.includes(Buffer.from(tinyPngBase64, 'base64').subarray(8, 40))).to.equal(false);
    const served = await world.as('member', 'get', api(`/records/${record.id}/signatures/${signatureId}`)).buffer(true).expect(200);
    expect((served.body as Buffer).equals(Buffer.from(tinyPngBase64, 'base64'))).to.equal(true);
    // A row as the first version wrote it: the image in the database, no blob.
    await app.kirjuri.db.transaction((t) => app.kirjuri.db.execute('UPDATE records_signatures SET image = $1, blob_id = NULL WHERE id = $2', [drawn, signatureId], t));
    await world.as('member', 'get', api(`/records/${record.id}/signatures/${signatureId}`)).expect(200);
    const signatures = app.kirjuri.services.get('records.api').parts.deps.signatures;
    expect(await signatures.moveFromDatabase(app.kirjuri.log)).to.equal(1);
    expect(await signatures.moveFromDatabase(app.kirjuri.log)).to.equal(0);
    const [moved] = await app.kirjuri.db.selectRows<{ image: string; blob_id: string | null }>('SELECT image, blob_id FROM records_signatures WHERE id = $1', [signatureId]);
    expect(moved!.image).to.equal('');
    expect(moved!.blob_id).to.be.a('string').and.not.equal(row!.blob_id);
    const again = await world.as('member', 'get', api(`/records/${record.id}/signatures/${signatureId}`)).buffer(true).expect(200);
    expect((again.body as Buffer).equals(Buffer.from(tinyPngBase64, 'base64'))).to.equal(true);
    const blobsBefore = Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs WHERE tenant_id = $1', [row!.tenant_id]))[0]!.n);
    await world.as('admin', 'delete', api(`/records/${record.id}`)).expect(204);
    const blobsAfter = Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs WHERE tenant_id = $1', [row!.tenant_id]))[0]!.n);
    expect(blobsAfter).to.equal(blobsBefore - 1);
  });

  it('a measurement record scores in-order over observed items as a percentage', async () => {
    const template = (await world.as('manager', 'post', api('/templates')).send({
      name: 'Mini TR', kind: 'measurement', fields: [1, 2, 3, 4, 5].map((n) => ({ key: `item${n}`, type: 'score', label: `Item ${n}` })),
    }).expect(201)).body;
    const record = await world.as('member', 'post', api('/records')).send({ templateId: template.id, folderId, title: 'Round 1', data: { item1: true, item2: true, item3: false, item4: null } }).expect(201);
    expect(record.body.score).to.deep.equal({ inOrder: 2, notInOrder: 1, notApplicable: 1, percent: 66.7 });
  });

  it('lists records with filters, text search and keyset pages, and folders holding records are not deleted', async () => {
    const sub = (await world.as('admin', 'post', api('/folders')).send({ name: 'Listing', parentId: folderId }).expect(201)).body.id as string;
    for (let n = 1; n <= 7; n += 1) {
      await world.as('member', 'post', api('/records')).send({ templateId, folderId: sub, title: `Daily check ${n}`, data: { site: n % 2 ? 'Kalasatama' : 'Pasila' }, draft: true }).expect(201);
    }
    const first = await world.as('member', 'get', api(`/records?folderId=${sub}&limit=3`)).expect(200);
    expect(first.body.items.map((r: { title: string }) => r.title)).to.deep.equal(['Daily check 7', 'Daily check 6', 'Daily check 5']);
    const second = await world.as('member', 'get', api(`/records?folderId=${sub}&limit=3&cursor=${first.body.nextCursor}`)).expect(200);
    expect(second.body.items.map((r: { title: string }) => r.title)).to.deep.equal(['Daily check 4', 'Daily check 3', 'Daily check 2']);
    const found = await world.as('member', 'get', api(`/records?folderId=${sub}&q=KALASATAMA&sort=title`)).expect(200);
    expect(found.body.items.map((r: { title: string }) => r.title)).to.deep.equal(['Daily check 1', 'Daily check 3', 'Daily check 5', 'Daily check 7']);
    await world.as('member', 'get', api('/records?cursor=bogus')).expect(400);
    // The guest and the other tenant's admin see none of it.
    expect((await world.as('otherAdmin', 'get', `/api/v1/t/${world.otherTenant}/records`).expect(200)).body.items).to.deep.equal([]);
    const full = await world.as('admin', 'delete', api(`/folders/${sub}`)).expect(409);
    expect(full.body.error.message).to.match(/7 records/);
  });

  it('a folder structure template builds a project: the folder tree and empty drafts of the listed records, in one go', async () => {
    const structure = await world.as('manager', 'post', api('/structures')).send({
      name: 'Building project', folders: [
        { name: 'Diaries', records: [{ templateId, title: 'Site diary' }] },
        { name: 'Inspections', folders: [{ name: 'Scaffolding', records: [{ templateId, title: 'Scaffold check' }, { templateId, title: 'Second check' }] }] },
      ],
    }).expect(201);
    const made = await world.as('manager', 'post', api(`/structures/${structure.body.id}/apply`)).send({ name: 'Project Tripla' }).expect(201);
    expect(made.body).to.deep.include({ folders: 4, records: 3 });
    const children = await world.as('manager', 'get', api(`/folders?parentId=${made.body.folder.id}`)).expect(200);
    expect(children.body.items.map((f: { name: string }) => f.name)).to.deep.equal(['Diaries', 'Inspections']);
    // A member may not build one at the top; a failure leaves nothing behind.
    await world.as('member', 'post', api(`/structures/${structure.body.id}/apply`)).send({ name: 'Member project' }).expect(403);
    await world.as('manager', 'post', api(`/structures/${structure.body.id}/apply`)).send({ name: 'Project Tripla' }).expect(409);
    const top = await world.as('manager', 'get', api('/folders')).expect(200);
    expect(top.body.items.filter((f: { name: string }) => f.name === 'Project Tripla')).to.have.length(1);
    const unknown = await world.as('manager', 'post', api('/structures')).send({ name: 'Broken', folders: [{ name: 'A', records: [{ templateId: 'nope', title: 'X' }] }] }).expect(422);
    expect(unknown.body.error.code).to.equal('unknown_template');
  });

  it('templates export to a file that imports again, and a bad file is refused with its paths', async () => {
    const exported = await world.as('manager', 'get', api(`/templates/${templateId}/export`)).expect(200);
    expect(exported.headers['content-disposition']).to.match(/^attachment; filename="Scaffold-inspection\.kirjuri-template\.json"$/);
    const again = await world.as('manager', 'post', api('/templates/import')).send({ ...exported.body, template: { ...exported.body.template, name: 'Imported scaffold' } }).expect(201);
    expect(again.body).to.deep.include({ name: 'Imported scaffold', version: 1 });
    const bad = await world.as('manager', 'post', api('/templates/import')).send({ format: 'something-else', formatVersion: 1, template: {} }).expect(422);
    expect(bad.body.error.code).to.equal('invalid_template_file');
    expect(bad.body.error.details.fields).to.have.property('format');
  });

  it('deleting a record needs manage access, ends its shares, and the audit log has its create, view, update and delete', async () => {
    const record = (await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'To delete', data: {}, draft: true }).expect(201)).body;
    await world.as('member', 'post', api('/shares')).send({ objectType: 'record', objectId: record.id, email: 'viewer@example.com', access: 'view' }).expect(201);
    await world.as('viewer', 'get', api(`/records/${record.id}`)).expect(200);
    await world.as('viewer', 'delete', api(`/records/${record.id}`)).expect(403);
    await world.as('guest', 'get', api(`/records/${record.id}`)).expect(401);
    await world.as('member', 'delete', api(`/records/${record.id}`)).expect(204);
    await world.as('member', 'get', api(`/records/${record.id}`)).expect(404);
    // The deleted record's shares are gone from the tenant's list, and asking for them is asking about a missing object.
    await world.as('admin', 'get', api(`/shares?objectType=record&objectId=${record.id}`)).expect(404);
    const shares = (await world.as('admin', 'get', api('/shares')).expect(200)).body.items as Array<{ objectId: string; active: boolean }>;
    expect(shares.filter((share) => share.objectId === record.id && share.active)).to.deep.equal([]);
    await app.kirjuri.audit.log.flush();
    const log = await world.as('admin', 'get', api(`/audit?objectId=${record.id}&limit=200`)).expect(200);
    const actions = log.body.items.map((e: { action: string }) => e.action);
    for (const action of ['record.create', 'record.view', 'record.delete', 'share.create', 'access.denied']) expect(actions).to.include(action);
  });
});
