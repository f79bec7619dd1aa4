import { expect } from 'chai';
import type request from 'supertest';
import { acceptAsGuest, buildAccessWorld, inviteOutsider, sharedFolder, type AccessWorld, type ActorName } from '../helpers/access-world.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { pageTestTemplates, tinyPngBase64 } from '../helpers/record-templates.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

const signature = `data:image/png;base64,${tinyPngBase64}`;
const { inspection, diary, measurement } = pageTestTemplates;

/** An address as a page writes it in an attribute, as the browser reads it. */
const unescaped = (text: string): string => text.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');

/** A urlencoded body as a browser sends it: repeated names for lists. */
function form(fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const item of ([] as string[]).concat(value)) body.append(name, item);
  return body.toString();
}

forEachDatabase('the record pages', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let folderId: string;
  let inspectionId: string;
  let diaryId: string;
  let measurementId: string;
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;
  const page = (actor: ActorName, path: string): request.Test => world.as(actor, 'get', path).set('Accept', 'text/html');
  const post = (actor: ActorName, path: string, fields: Record<string, string | string[]>): request.Test =>
    world.as(actor, 'post', path).set('Accept', 'text/html').type('form').send(form({ _csrf: world.actors[actor].csrf!, ...fields }));
  const newRecord = (actor: ActorName, fields: Record<string, string | string[]>): request.Test =>
    post(actor, '/t/rakennus/records/new', { templateId: inspectionId, folderId, title: 'Week 48', _action: 'draft', ...fields });
  const recordOf = async (id: string): Promise<Record<string, unknown>> => (await world.as('admin', 'get', api(`/records/${id}`)).expect(200)).body as Record<string, unknown>;
  const idFrom = (location: string): string => /\/records\/([^/?#]+)/.exec(location)![1]!;
  const madeBy = async (actor: ActorName, body: Record<string, unknown>): Promise<string> => (await world.as(actor, 'post', api('/records')).send({ folderId, ...body }).expect(201)).body.id as string;

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    folderId = await sharedFolder(world, 'Site A');
    inspectionId = (await world.as('manager', 'post', api('/templates')).send(inspection).expect(201)).body.id;
    diaryId = (await world.as('manager', 'post', api('/templates')).send(diary).expect(201)).body.id;
    measurementId = (await world.as('manager', 'post', api('/templates')).send(measurement).expect(201)).body.id;
  });
  after(async () => app?.close());

  it('the folder panel lists its records with template, status and score, and offers those who edit it a New record form; a viewer gets the list only', async () => {
    await madeBy('member', { templateId: inspectionId, title: 'Panel draft', data: { site: 'Pasila' }, draft: true });
    await madeBy('manager', { templateId: measurementId, title: 'Panel round', data: { item1: true, item2: true, item3: true, item4: false, item5: null } });
    const admin = (await page('admin', `/t/rakennus/folders/${folderId}`).expect(200)).text;
    expect(admin).to.contain('Records in Site A').and.to.contain('Panel draft').and.to.contain('Site inspection').and.to.contain('75 %');
    expect(admin).to.match(/record-status--draft">Draft</).and.to.contain('action="/t/rakennus/records/new"').and.to.contain(`<input type="hidden" name="folderId" value="${folderId}">`);
    const viewer = (await page('viewer', `/t/rakennus/folders/${folderId}`).expect(200)).text;
    expect(viewer).to.contain('Panel round').and.not.to.contain('/t/rakennus/records/new');
    const home = (await page('member', '/t/rakennus').expect(200)).text;
    expect(home).to.contain('Recent records').and.to.contain('Panel draft').and.to.contain('href="/t/rakennus/records"');
  });

  it('the folder panel shows the first 20 records and a More link that continues on the list page', async () => {
    const crowded = (await world.as('admin', 'post', api('/folders')).send({ name: 'Crowded', parentId: folderId }).expect(201)).body.id as string;
    for (let n = 1; n <= 21; n += 1) await world.as('admin', 'post', api('/records')).send({ templateId: inspectionId, folderId: crowded, title: `Crowd ${n}`, data: {}, draft: true }).expect(201);
    const panel = (await page('admin', `/t/rakennus/folders/${crowded}`).expect(200)).text;
    expect(panel.match(/class="record-list__title"/g)).to.have.length(20);
    expect(panel).not.to.contain('>Crowd 1<');
    const more = unescaped(/href="(\/t\/rakennus\/records\?folderId[^"]+)">More</.exec(panel)![1]!);
    const rest = (await page('admin', more).expect(200)).text;
    expect(rest).to.contain('>Crowd 1<').and.to.contain('In the folder <strong>Crowded</strong>');
    expect(rest.match(/class="record-list__title"/g)).to.have.length(1);
  });

  it('the new-record form draws each field for a phone: decimal input, radios, score buttons, showIf, a repeat group, the signature pad, autosave and time zone inputs', async () => {
    const html = (await page('member', `/t/rakennus/records/new?templateId=${inspectionId}&folderId=${folderId}`).expect(200)).text;
    expect(html).to.contain(`data-autosave-key="records:rakennus:new:${inspectionId}:${folderId}" data-autosave-saved-at=""`);
    expect(html).to.contain('name="_tzOffset"').and.to.contain('name="_timeZone"').and.to.contain('plugins/records/js/record-form.js').and.to.contain('plugins/records/js/autosave.js');
    expect(html).to.match(/name="data\.height" value="" inputmode="decimal"/).and.to.contain('From 0 to 60 m.');
    expect(html).to.contain('type="radio" id="field-data-condition-1" name="data.condition" value="poor"');
    expect(html).to.contain('data-show-if-name="data.condition" data-show-if-equals="poor"');
    expect([...html.matchAll(/name="data\.railings" value="([a-z]+)"/g)].map((m) => m[1])).to.deep.equal(['true', 'false', 'na']);
    expect(html).to.contain('data-repeat-prefix="data.findings"').and.to.contain('name="data.findings.0.note"').and.to.contain('name="data.findings.__INDEX__.note"');
    expect(html).to.contain('type="datetime-local" id="field-data-checked_at"').and.to.contain('data-signature-pad').and.to.contain('name="data.inspector" value="" data-signature-value');
    expect(html).to.contain('value="draft">Save draft<').and.to.contain('value="save">Save<').and.to.contain('value="complete">Complete<');
    await page('viewer', `/t/rakennus/records/new?templateId=${inspectionId}&folderId=${folderId}`).expect(403);
    await page('otherAdmin', `/t/rakennus/records/new?templateId=${inspectionId}&folderId=${folderId}`).expect(404);
  });

  it('posting the form makes the record from what was typed (decimal comma, local time, blank rows left out) and its page clears the autosaved copy', async () => {
    const res = await newRecord('member', {
      'data.site': 'Pasila', 'data.height': '12,5', 'data.condition': 'poor', 'data.reason': 'Rust', 'data.railings': 'false', 'data.checked_at': '2024-01-15T10:00',
      _timeZone: 'Europe/Helsinki', _tzOffset: '-120', 'data.findings.0.note': '', 'data.findings.1.note': 'Loose plank', 'data.findings.1.severity': 'high', 'data.inspector': '',
    }).expect(303);
    expect(res.headers.location).to.match(/^\/t\/rakennus\/records\/[0-9a-f-]{36}\?saved=new$/);
    const id = idFrom(res.headers.location as string);
    const record = await recordOf(id);
    expect(record).to.deep.include({ status: 'draft', title: 'Week 48', folderId });
    expect(record.data).to.deep.equal({ site: 'Pasila', height: 12.5, condition: 'poor', reason: 'Rust', railings: false, checked_at: '2024-01-15T08:00:00.000Z', findings: [{ note: 'Loose plank', severity: 'high' }] });
    const shown = (await page('member', res.headers.location as string).expect(200)).text;
    expect(shown).to.contain(`data-autosave-clear="records:rakennus:new:${inspectionId}:${folderId} records:rakennus:${id} "`);
    expect(shown).to.contain('12.5 m').and.to.contain('Not in order').and.to.contain('Loose plank').and.to.contain('<time datetime="2024-01-15T08:00:00.000Z">');
    expect(shown).to.contain('aria-label="Breadcrumb"').and.to.contain(`/t/rakennus/folders/${folderId}">Site A</a>`);
  });

  it('a refused form comes back (422) with every value as typed, each error beside its field, row errors on the renumbered rows, and a summary at the top', async () => {
    const res = await newRecord('member', {
      title: '', _action: 'save', 'data.site': '', 'data.height': '70', 'data.findings.0.note': '', 'data.findings.1.severity': 'low', 'data.railings': 'na',
    }).expect(422);
    expect(res.text).to.contain('class="card record-summary" role="alert"').and.to.contain('The record was not saved: check the fields below.');
    expect(res.text).to.contain('<a href="#field-data-height">Height: must be at most 60</a>').and.to.contain('<a href="#field-title">Title: must not be empty</a>');
    expect(res.text).to.match(/id="field-data-height-error"[^>]*>.*must be at most 60/).and.to.contain('name="data.height" value="70"');
    expect(res.text).to.match(/id="field-data-site-error"[^>]*>.*is required/).and.to.match(/id="field-data-inspector-error"/).and.to.match(/id="field-title-error"/);
    // The blank first row was left out: the row with the severity is row 0 now, with its error beside it.
    expect(res.text).to.match(/id="field-data-findings-0-note-error"[^>]*>.*is required/).and.to.contain('name="data.findings.0.severity" value="low" checked');
    expect(res.text).to.contain('name="data.railings" value="na" checked');
    const list = await world.as('admin', 'get', api(`/records?folderId=${folderId}&q=week`)).expect(200);
    expect(list.body.items.filter((item: { title: string }) => item.title === '')).to.deep.equal([]);
  });

  it('saving over a newer revision answers 409 with the form as typed and a sentence saying someone else saved in between; saving again then works', async () => {
    const id = await madeBy('member', { templateId: inspectionId, title: 'Contested', data: { site: 'Theirs?' }, draft: true });
    const form1 = (await page('member', `/t/rakennus/records/${id}/edit`).expect(200)).text;
    expect(form1).to.contain('name="revision" value="1"').and.to.contain(`data-autosave-key="records:rakennus:${id}"`).and.to.match(/data-autosave-saved-at="\d{4}-\d\d-\d\dT[^"]+Z"/);
    await world.as('manager', 'patch', api(`/records/${id}`)).send({ data: { site: 'Theirs' }, revision: 1 }).expect(200);
    const conflict = await post('member', `/t/rakennus/records/${id}/edit`, { revision: '1', title: 'Contested', 'data.site': 'Mine', _action: 'draft' }).expect(409);
    expect(conflict.text).to.contain('Someone else saved this record while you were working on it').and.to.contain('name="data.site" value="Mine"').and.to.contain('name="revision" value="2"');
    expect(unescaped(conflict.text)).to.contain(`href="/t/rakennus/records/${id}/diff?from=1&to=2"`);
    expect((await recordOf(id)).data).to.deep.equal({ site: 'Theirs' });
    await post('member', `/t/rakennus/records/${id}/edit`, { revision: '2', title: 'Contested', 'data.site': 'Mine', _action: 'draft' }).expect(303);
    expect(await recordOf(id)).to.deep.include({ revision: 3, data: { site: 'Mine' } });
  });

  it('Complete on the form locks the record and shows its signature; a viewer sees no Edit button, a folder editor cannot edit it, its manager reopens it', async () => {
    const res = await newRecord('manager', { _action: 'complete', 'data.site': 'Kalasatama', 'data.condition': 'good', 'data.inspector': signature }).expect(303);
    const id = idFrom(res.headers.location as string);
    const record = await recordOf(id);
    expect(record.status).to.equal('completed');
    const { signatureId } = (record.data as { inspector: { signatureId: string } }).inspector;
    const shown = (await page('manager', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(shown).to.contain(`<img class="record-signature" src="/api/v1/t/rakennus/records/${id}/signatures/${signatureId}"`).and.to.contain('Signed by Manager');
    expect(shown).to.contain(`action="/t/rakennus/records/${id}/reopen"`).and.to.contain(`/t/rakennus/records/${id}/edit"`).and.to.contain('Sharing');
    const viewer = (await page('viewer', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(viewer).to.contain('Kalasatama').and.not.to.contain('/edit"').and.not.to.contain('/complete"').and.not.to.contain('Sharing').and.not.to.contain('Delete record');
    const member = (await page('member', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(member).not.to.contain('/edit"').and.not.to.contain('/reopen"');
    await page('member', `/t/rakennus/records/${id}/edit`).expect(403);
    await post('member', `/t/rakennus/records/${id}/edit`, { revision: '2', title: 'Changed', 'data.site': 'X', _action: 'save' }).expect(403);
    await page('otherAdmin', `/t/rakennus/records/${id}`).expect(404);
    await post('manager', `/t/rakennus/records/${id}/reopen`, { revision: String(record.revision) }).expect(303);
    expect((await recordOf(id)).status).to.equal('draft');
  });

  it('a guest sees the record shared with them and nothing else (404), and may not edit it', async () => {
    const shared = await madeBy('manager', { templateId: inspectionId, title: 'For the guest', data: { site: 'Shared site' }, draft: true });
    const unshared = await madeBy('manager', { templateId: inspectionId, title: 'Not for the guest', data: {}, draft: true });
    await acceptAsGuest(world, await inviteOutsider(world, world.actors.manager, { type: 'record', id: shared }, 'guest@example.com'));
    const html = (await page('guest', `/t/rakennus/records/${shared}`).expect(200)).text;
    expect(html).to.contain('Shared site').and.not.to.contain('/edit"');
    await page('guest', `/t/rakennus/records/${unshared}`).expect(404);
    await page('guest', `/t/rakennus/records/${unshared}/history`).expect(404);
    await page('otherAdmin', `/t/rakennus/records/${shared}/history`).expect(404);
  });

  it('Complete on the record page with required fields missing opens the form with each of them marked (422)', async () => {
    const id = await madeBy('member', { templateId: inspectionId, title: 'Unfinished', data: { site: 'Pasila' }, draft: true });
    const res = await post('member', `/t/rakennus/records/${id}/complete`, { revision: '1' }).expect(422);
    expect(res.text).to.contain('The record cannot be completed yet').and.to.match(/id="field-data-condition-error"/).and.to.match(/id="field-data-inspector-error"/);
    expect(res.text).to.contain(`action="/t/rakennus/records/${id}/edit"`).and.to.contain('name="data.site" value="Pasila"');
    expect((await recordOf(id)).status).to.equal('draft');
  });

  it('the edit form shows the stored signature with who signed and when, and saving it unchanged makes no new revision', async () => {
    const id = await madeBy('member', {
      templateId: inspectionId, title: 'Signed draft', draft: true,
      data: { site: 'Vallila', height: 2.25, condition: 'good', railings: null, checked_at: '2024-07-01T09:15:30.000Z', findings: [{ note: 'Fine' }], inspector: { image: signature } },
    });
    const { signatureId } = ((await recordOf(id)).data as { inspector: { signatureId: string } }).inspector;
    const html = (await page('member', `/t/rakennus/records/${id}/edit`).expect(200)).text;
    expect(html).to.contain(`<img data-signature-existing src="/api/v1/t/rakennus/records/${id}/signatures/${signatureId}"`).and.to.contain('Signed by Member');
    expect(html).to.contain(`name="data.inspector" value="${signatureId}" data-signature-stored`).and.to.contain('value="2024-07-01T09:15:30" data-utc="2024-07-01T09:15:30.000Z"');
    // What the browser sends back for the form as drawn (no script: times in UTC).
    await post('member', `/t/rakennus/records/${id}/edit`, {
      revision: '1', title: 'Signed draft', _action: 'draft', 'data.site': 'Vallila', 'data.height': '2.25', 'data.condition': 'good', 'data.railings': 'na',
      'data.checked_at': '2024-07-01T09:15:30', 'data.findings.0.note': 'Fine', 'data.findings.1.note': '', 'data.inspector': [signatureId, ''],
    }).expect(303);
    expect(await recordOf(id)).to.deep.include({ revision: 1 });
  });

  it('history lists each revision with its author and compare links, and the diff page shows each changed field before and after, with title and status', async () => {
    const id = await madeBy('member', { templateId: inspectionId, title: 'Tracked', data: { site: 'A', height: 12.5, condition: 'good', inspector: { image: signature } } });
    const { inspector } = (await recordOf(id)).data as { inspector: unknown };
    await world.as('member', 'patch', api(`/records/${id}`)).send({ title: 'Tracked again', data: { site: 'A', height: 20, condition: 'good', inspector } }).expect(200);
    await world.as('member', 'patch', api(`/records/${id}`)).send({ status: 'completed' }).expect(200);
    const history = (await page('viewer', `/t/rakennus/records/${id}/history`).expect(200)).text;
    expect([...history.matchAll(/<td data-label="Revision">(\d+)<\/td>/g)].map((m) => m[1])).to.deep.equal(['3', '2', '1']);
    expect(history).to.contain('<td data-label="Who">Member</td>').and.to.contain('<td data-label="What">Completed</td>');
    expect(unescaped(history)).to.contain(`href="/t/rakennus/records/${id}/diff?from=2&to=3"`);
    const diff = (await page('viewer', `/t/rakennus/records/${id}/diff?from=1&to=3`).expect(200)).text;
    expect(diff).to.contain('<strong>Title:</strong> Tracked → Tracked again').and.to.contain('<strong>Status:</strong> Draft → Completed');
    expect(diff).to.match(/<td data-label="Field">Height<\/td>\s*<td data-label="Change">Changed<\/td>\s*<td data-label="Before">\s*<span class="record-text">12\.5 m<\/span>\s*<\/td>\s*<td data-label="After">\s*<span class="record-text">20 m<\/span>/);
    await page('viewer', `/t/rakennus/records/${id}/diff?from=1&to=9`).expect(404);
  });

  it('the list page filters by template, status, author, dates and text, sorts, and pages with a Next page link', async () => {
    const listing = (await world.as('admin', 'post', api('/folders')).send({ name: 'Listing', parentId: folderId }).expect(201)).body.id as string;
    for (let n = 1; n <= 52; n += 1) {
      await world.as(n % 2 ? 'member' : 'manager', 'post', api('/records')).send({ templateId: inspectionId, folderId: listing, title: `Daily ${String(n).padStart(2, '0')}`, data: { site: n % 4 === 0 ? 'Kalasatama' : 'Pasila' }, draft: true }).expect(201);
    }
    const round = (await world.as('manager', 'post', api('/records')).send({ templateId: measurementId, folderId: listing, title: 'Listed round', data: { item1: true } }).expect(201)).body.id as string;
    await world.as('manager', 'patch', api(`/records/${round}`)).send({ status: 'completed' }).expect(200);
    const titles = (html: string): string[] => [...html.matchAll(/class="record-list__title" href="[^"]+">([^<]+)</g)].map((m) => m[1]!);
    const first = (await page('member', `/t/rakennus/records?folderId=${listing}&sort=title`).expect(200)).text;
    expect(titles(first)).to.deep.equal(Array.from({ length: 50 }, (_, n) => `Daily ${String(n + 1).padStart(2, '0')}`));
    const next = unescaped(/href="([^"]+)">Next page</.exec(first)![1]!);
    expect(next).to.contain(`folderId=${listing}`).and.to.contain('sort=title').and.to.contain('cursor=');
    const second = (await page('member', next).expect(200)).text;
    expect(titles(second)).to.deep.equal(['Daily 51', 'Daily 52', 'Listed round']);
    expect(second).not.to.contain('>Next page<');
    expect(titles((await page('member', `/t/rakennus/records?folderId=${listing}&q=kalasatama&sort=title`).expect(200)).text)).to.deep.equal(['Daily 04', 'Daily 08', 'Daily 12', 'Daily 16', 'Daily 20', 'Daily 24', 'Daily 28', 'Daily 32', 'Daily 36', 'Daily 40', 'Daily 44', 'Daily 48', 'Daily 52']);
    expect(titles((await page('member', `/t/rakennus/records?folderId=${listing}&templateId=${measurementId}&status=completed`).expect(200)).text)).to.deep.equal(['Listed round']);
    const mine = titles((await page('member', `/t/rakennus/records?folderId=${listing}&author=${world.actors.member.userId}&sort=title`).expect(200)).text);
    expect(mine).to.have.length(26);
    expect(mine.every((title) => Number(title.slice(-2)) % 2 === 1)).to.equal(true);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await page('member', `/t/rakennus/records?folderId=${listing}&from=${tomorrow}`).expect(200)).text).to.contain('No records match.');
    expect(titles((await page('member', `/t/rakennus/records?folderId=${listing}&from=${today}&to=${today}&q=daily%2005`).expect(200)).text)).to.deep.equal(['Daily 05']);
    const bad = await page('member', `/t/rakennus/records?from=yesterday`).expect(422);
    expect(bad.text).to.match(/id="field-from-error"[^>]*>.*must be a date/).and.to.contain('value="yesterday"');
    // A viewer lists only what is shared with them: nothing of another folder.
    const elsewhere = (await world.as('admin', 'post', api('/folders')).send({ name: 'Elsewhere' }).expect(201)).body.id as string;
    await world.as('admin', 'post', api('/records')).send({ templateId: inspectionId, folderId: elsewhere, title: 'Hidden away', data: {}, draft: true }).expect(201);
    expect((await page('viewer', '/t/rakennus/records?q=hidden').expect(200)).text).to.contain('No records match.');
    expect((await page('admin', '/t/rakennus/records?q=hidden').expect(200)).text).to.contain('Hidden away');
    await page('viewer', `/t/rakennus/records?folderId=${elsewhere}`).expect(404);
  });

  it('journal entries are appended from the record page with author and time; a correction starts from the entry and names it; a refused entry comes back as typed', async () => {
    const id = await madeBy('member', { templateId: diaryId, title: 'Diary Pasila', data: { project: 'Pasila' } });
    const empty = (await page('member', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(empty).to.contain('No entries yet.').and.to.contain(`action="/t/rakennus/records/${id}/entries"`).and.to.contain('name="data.weather"').and.to.contain(`data-autosave-key="records:rakennus:${id}:entry"`);
    const added = await post('member', `/t/rakennus/records/${id}/entries`, { text: 'Concrete poured.', 'data.weather': 'rain', 'data.temperature': '4,5', corrects: '' }).expect(303);
    expect(added.headers.location).to.match(new RegExp(`^/t/rakennus/records/${id}\\?saved=entry#entry-[0-9a-f-]{36}$`));
    const entryId = (added.headers.location as string).split('#entry-')[1]!;
    const refused = await post('member', `/t/rakennus/records/${id}/entries`, { text: '  ', 'data.temperature': 'warm', corrects: '' }).expect(422);
    expect(refused.text).to.match(/id="field-text-error"/).and.to.match(/id="field-data-weather-error"[^>]*>.*is required/).and.to.contain('name="data.temperature" value="warm"');
    const correcting = (await page('member', `/t/rakennus/records/${id}?correct=${entryId}`).expect(200)).text;
    expect(correcting).to.contain('Correct entry 1').and.to.contain(`name="corrects" value="${entryId}"`).and.to.match(/<textarea[^>]*name="text"[^>]*>Concrete poured\.<\/textarea>/);
    expect(correcting).to.contain('name="data.weather" value="rain" checked').and.to.contain(`data-autosave-key="records:rakennus:${id}:entry:${entryId}"`);
    const corrected = await post('member', `/t/rakennus/records/${id}/entries`, { text: 'Concrete poured in slab B, not A.', 'data.weather': 'rain', corrects: entryId }).expect(303);
    expect(corrected.headers.location).to.contain(`?saved=correction&of=${entryId}#entry-`);
    const after = (await page('member', corrected.headers.location as string).expect(200)).text;
    expect(after).to.contain(`data-autosave-clear="records:rakennus:${id}:entry:${entryId} "`).and.to.contain('The correction was added.');
    expect(after).to.contain('<strong>Entry 1</strong>').and.to.contain('<strong>Entry 2</strong>').and.to.contain(`Corrects <a href="#entry-${entryId}">entry 1</a>`).and.to.contain('Corrected by');
    expect(after).to.match(/<strong>Entry 1<\/strong>, <time datetime="[^"]+">[^<]+<\/time>, Member/).and.to.contain('4.5 °C').and.to.contain('Rain');
    const viewer = (await page('viewer', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(viewer).to.contain('Concrete poured.').and.not.to.contain('/entries"').and.not.to.contain('?correct=');
    await post('viewer', `/t/rakennus/records/${id}/entries`, { text: 'A viewer writes' }).expect(403);
  });

  it('a measurement record shows its score as a percentage with the counts', async () => {
    const id = await madeBy('member', { templateId: measurementId, title: 'Round 7', data: { item1: true, item2: true, item3: true, item4: false, item5: null } });
    const html = (await page('member', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(html).to.contain('<p class="record-score__percent">75 %</p>').and.to.contain('3 in order, 1 not in order, 1 not applicable.');
  });

  it('deleting from the record page asks first, needs manage access, and goes back to the folder', async () => {
    const id = await madeBy('manager', { templateId: inspectionId, title: 'To delete', data: {}, draft: true });
    const member = (await page('member', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(member).not.to.contain('Delete record');
    await post('member', `/t/rakennus/records/${id}/delete`, {}).expect(403);
    const manager = (await page('manager', `/t/rakennus/records/${id}`).expect(200)).text;
    expect(manager).to.contain('data-confirm="Delete the record To delete?"');
    const res = await post('manager', `/t/rakennus/records/${id}/delete`, {}).expect(303);
    expect(res.headers.location).to.equal(`/t/rakennus/folders/${folderId}`);
    await page('manager', `/t/rakennus/records/${id}`).expect(404);
  });
});
