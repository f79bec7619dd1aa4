import { expect } from 'chai';
import type request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, type AccessWorld, type ActorName } from '../helpers/access-world.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

/** The text of the error shown beside a control (form-field's `field-<id>-error`), or null when there is none. */
function errorBeside(html: string, id: string): string | null {
  const match = new RegExp(`id="field-${id.replace(/[[\]]/g, '\\$&')}-error"[^>]*>(?:<span[^>]*>Error: </span>)?([^<]*)<`).exec(html);
  return match ? match[1]! : null;
}

forEachDatabase('the template pages', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let folderId: string;
  const page = (actor: ActorName, path: string): request.Test => world.as(actor, 'get', path).set('Accept', 'text/html');
  const submit = (actor: ActorName, path: string, form: Record<string, string> = {}): request.Test => world.as(actor, 'post', path).set('Accept', 'text/html').type('form').send(form);
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;
  /** A field card's whole form, as the browser would post it, with some values changed. */
  const card = (at: string, was: string, values: Record<string, string>): Record<string, string> => ({
    at, was, key: was, label: '', type: '', help: '', default: '', options: '', min: '', max: '', unit: '', accept: '', showIfField: '', showIfEquals: '', ...values,
  });
  const newTemplate = async (name: string, templateKind = 'form'): Promise<string> => {
    const made = await submit('manager', '/t/rakennus/templates', { name, kind: templateKind, description: '' }).expect(303);
    expect(made.headers.location).to.match(/^\/t\/rakennus\/templates\/[0-9a-f-]{36}\?done=created$/);
    return (made.headers.location as string).split('/').at(-1)!.split('?')[0]!;
  };

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' } });
    world = await buildAccessWorld(app);
    folderId = (await world.as('admin', 'post', api('/folders')).send({ name: 'Työmaa' }).expect(201)).body.id;
  });
  after(async () => app?.close());

  it('the templates page offers the ready templates; adding one opens its designer, and the list shows it with its version and an export link', async () => {
    const list = await page('manager', '/t/rakennus/templates').expect(200);
    expect(list.text).to.contain('Construction site diary').and.to.contain('Construction site safety measurement').and.to.contain('No templates yet');
    expect(list.text).to.contain('plugins/records/js/template-import.js').and.to.contain('plugins/records/css/template-designer.css');
    const added = await submit('manager', '/t/rakennus/templates/library', { library: 'safety-measurement' }).expect(303);
    const designer = await page('manager', added.headers.location as string).expect(200);
    expect(designer.text).to.contain('is added to your templates').and.to.contain('Personal protective equipment is worn').and.to.contain('Publish version 2');
    const id = (added.headers.location as string).split('/').at(-1)!.split('?')[0]!;
    const again = await page('manager', '/t/rakennus/templates').expect(200);
    expect(again.text).to.contain(`href="/api/v1/t/rakennus/templates/${id}/export"`).and.not.to.contain('Unpublished changes');
    const exported = await world.as('manager', 'get', api(`/templates/${id}/export`)).expect(200);
    expect(exported.body.format).to.equal('kirjuri-template');
    await submit('manager', '/t/rakennus/templates/library', { library: 'no-such-template' }).expect(404);
    const home = await page('manager', '/t/rakennus').expect(200);
    expect(home.text).to.match(/class="site-nav__link" href="\/t\/rakennus\/templates"/);
    expect((await page('member', '/t/rakennus').expect(200)).text).not.to.contain('href="/t/rakennus/templates"');
  });

  it('the designer adds, edits, moves and removes fields, then publishes version 2 while a record made earlier keeps version 1', async () => {
    const id = await newTemplate('Scaffold check');
    const base = `/t/rakennus/templates/${id}`;
    const first = await page('manager', `${base}?done=created`).expect(200);
    expect(first.text).to.contain('with one field to start from').and.to.contain('Notes');
    const earlier = await world.as('manager', 'post', api('/records')).send({ templateId: id, folderId, title: 'Before the change', data: {}, draft: true }).expect(201);
    expect(earlier.body.templateVersion).to.equal(1);

    const address = await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'text', label: 'Työmaan osoite', key: '' }).expect(303);
    expect(address.headers.location).to.equal(`${base}?open=fields%5B1%5D#f-fields-1`);
    await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'choice', label: 'Condition', key: '' }).expect(303);
    const unfinished = await page('manager', `${base}?open=fields[2]`).expect(200);
    expect(errorBeside(unfinished.text, 'fields-2-options')).to.contain('is required');
    expect(unfinished.text).to.contain('Unpublished changes');
    const saved = await submit('manager', `${base}/fields/update`, card('fields[2]', 'condition', { label: 'Condition', type: 'choice', options: 'good|Good\r\npoor|Poor\r\n', required: 'true' })).expect(303);
    expect(saved.headers.location).to.equal(`${base}#f-fields-2`);
    await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'number', label: 'Height', key: 'height' }).expect(303);
    await submit('manager', `${base}/fields/update`, card('fields[3]', 'height', { label: 'Height', type: 'number', unit: 'm', min: '0', max: '60,5', showIfField: 'condition', showIfEquals: 'poor' })).expect(303);
    await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'group', label: 'Findings', key: '' }).expect(303);
    const emptyGroup = await page('manager', base).expect(200);
    expect(errorBeside(emptyGroup.text, 'f-fields-4-fields-add-label'), 'no error on an add form nobody used').to.equal(null);
    expect(emptyGroup.text).to.contain('must hold from 1 to 50 fields');
    const inside = await submit('manager', `${base}/fields/add`, { list: 'fields[4].fields', type: 'text', label: 'Finding', key: '' }).expect(303);
    expect(inside.headers.location).to.equal(`${base}?open=fields%5B4%5D.fields%5B0%5D#f-fields-4-fields-0`);
    await submit('manager', `${base}/fields/add`, { list: 'fields[4].fields', type: 'photo', label: 'Photo', key: '' }).expect(303);
    await submit('manager', `${base}/fields/update`, card('fields[4].fields[1]', 'photo', { label: 'Photo', type: 'photo', max: '1' })).expect(303);
    const inGroup = await submit('manager', `${base}/fields/move`, { at: 'fields[4].fields[1]', was: 'photo', direction: 'up' }).expect(303);
    expect(inGroup.headers.location).to.equal(`${base}#f-fields-4-fields-0`);
    await submit('manager', `${base}/fields/update`, card('fields[4]', 'findings', { label: 'Findings', type: 'text' })).expect(303);
    const moved = await submit('manager', `${base}/fields/move`, { at: 'fields[3]', was: 'height', direction: 'up' }).expect(303);
    expect(moved.headers.location).to.equal(`${base}#f-fields-2`);
    const refusedMove = await submit('manager', `${base}/fields/move`, { at: 'fields[3]', was: 'height', direction: 'up' }).expect(409);
    expect(refusedMove.text).to.contain('has changed or moved since the page was shown');
    await submit('manager', `${base}/fields/remove`, { at: 'fields[0]', was: 'notes' }).expect(303);

    const misplaced = await page('manager', base).expect(200);
    // Height now comes before the condition it follows: the parser says so beside the field.
    expect(errorBeside(misplaced.text, 'fields-1-showIfField')).to.match(/^names field 3 \(Condition\), which comes later/);
    expect(misplaced.text).to.contain('1 problem to fix before publishing');
    await submit('manager', `${base}/fields/move`, { at: 'fields[1]', was: 'height', direction: 'down' }).expect(303);
    expect((await page('manager', base).expect(200)).text).not.to.contain('to fix before publishing');
    // A new key: the condition that followed the old one follows the new one.
    await submit('manager', `${base}/fields/update`, card('fields[1]', 'condition', { key: 'state', label: 'Condition', type: 'choice', options: 'good|Good\npoor|Poor', required: 'true' })).expect(303);
    const published = await submit('manager', `${base}/publish`).expect(303);
    expect(published.headers.location).to.equal(`${base}?done=published`);
    expect((await page('manager', published.headers.location as string).expect(200)).text).to.contain('Published version 2.');

    const template = (await world.as('manager', 'get', api(`/templates/${id}`)).expect(200)).body;
    expect(template).to.deep.include({ version: 2, hasDraft: false });
    expect(template.fields).to.deep.equal([
      { key: 'tyomaan_osoite', type: 'text', label: 'Työmaan osoite' },
      { key: 'state', type: 'choice', label: 'Condition', required: true, options: [{ value: 'good', label: 'Good' }, { value: 'poor', label: 'Poor' }] },
      { key: 'height', type: 'number', label: 'Height', min: 0, max: 60.5, unit: 'm', showIf: { field: 'state', equals: 'poor' } },
      { key: 'findings', type: 'group', label: 'Findings', fields: [{ key: 'photo', type: 'photo', label: 'Photo', max: 1, multiple: false }, { key: 'finding', type: 'text', label: 'Finding' }] },
    ]);
    expect((await world.as('manager', 'get', api(`/records/${earlier.body.id}`)).expect(200)).body.templateVersion).to.equal(1);
    const version1 = await page('manager', `${base}/versions/1`).expect(200);
    expect(version1.text).to.contain('Scaffold check, version 1').and.to.contain('Notes').and.not.to.contain('Findings');
    expect((await page('manager', `${base}/versions/2`).expect(200)).text).to.contain('the current version').and.to.contain('0 to 60.5 m').and.to.contain('Condition is &quot;poor&quot;');
    await page('manager', `${base}/versions/3`).expect(404);
    expect((await submit('manager', `${base}/publish`).expect(303)).headers.location).to.equal(`${base}?done=unchanged`);
  });

  it('an invalid draft shows each problem beside its field, publishing it is refused (422), and discarding it goes back to the published version', async () => {
    const id = await newTemplate('Weather round');
    const base = `/t/rakennus/templates/${id}`;
    await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'choice', label: 'Weather', key: '' }).expect(303);
    await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'number', label: 'Temperature', key: '' }).expect(303);
    await submit('manager', `${base}/fields/update`, card('fields[2]', 'temperature', { label: 'Temperature', type: 'number', min: '10', max: '5', default: 'warm' })).expect(303);
    await submit('manager', `${base}/details`, { name: '', description: 'Every morning.' }).expect(303);
    const refused = await submit('manager', `${base}/publish`).expect(422);
    expect(refused.text).to.contain('Not published: 4 problems need fixing first').and.to.contain('4 problems to fix before publishing');
    expect(errorBeside(refused.text, 'fields-1-options')).to.contain('is required');
    expect(errorBeside(refused.text, 'fields-2-max')).to.equal('must be at least min (10)');
    expect(errorBeside(refused.text, 'fields-2-default')).to.equal('must be a number');
    expect(errorBeside(refused.text, 'template-name')).to.equal('is required');
    expect(refused.text).to.match(/<details class="field-card__edit" open>\s*<summary class="field-card__summary">Edit “Weather”/);
    expect(refused.text).to.contain('href="#f-fields-2"');
    expect((await world.as('manager', 'get', api(`/templates/${id}`)).expect(200)).body).to.deep.include({ version: 1, name: 'Weather round', hasDraft: true });
    expect((await page('manager', '/t/rakennus/templates').expect(200)).text).to.match(/Weather round<\/a> <span class="badge badge--notice">Unpublished changes/);

    const blank = await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'text', label: '  ', key: '' }).expect(422);
    expect(errorBeside(blank.text, 'f-fields-add-label')).to.equal('is required');
    const notGroup = await submit('manager', `${base}/fields/add`, { list: 'fields[1].fields', type: 'text', label: 'Not a group', key: '' }).expect(409);
    expect(notGroup.text).to.contain('Nothing was changed');
    const unknownType = await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'colour', label: 'Paint', key: '' }).expect(422);
    expect(errorBeside(unknownType.text, 'f-fields-add-type')).to.equal('must be one of the listed types');
    expect(unknownType.text, 'what was typed is kept').to.contain('value="Paint"');
    await submit('manager', `${base}/fields/add`, { list: 'entryFields', type: 'text', label: 'Not a journal', key: '' }).expect(409);
    await submit('manager', `${base}/fields/update`, card('fields[9]', 'gone', { label: 'Gone' })).expect(409);

    expect((await submit('manager', `${base}/discard`).expect(303)).headers.location).to.equal(`${base}?done=discarded`);
    const back = await page('manager', `${base}?done=discarded`).expect(200);
    expect(back.text).to.contain('this is version 1 again').and.not.to.contain('Edit “Weather”').and.not.to.contain('Unpublished changes');
    await newTemplate('Taken name');
    await submit('manager', `${base}/details`, { name: 'taken NAME', description: '' }).expect(303);
    const taken = await submit('manager', `${base}/publish`).expect(409);
    expect(errorBeside(taken.text, 'template-name')).to.equal('is already used by another template');
  });

  it('a journal\'s entry fields are designed like its header fields, and moving a field back where it was leaves no unpublished change', async () => {
    const id = await newTemplate('Pour diary', 'journal');
    const base = `/t/rakennus/templates/${id}`;
    await submit('manager', `${base}/fields/add`, { list: 'entryFields', type: 'checkbox', label: 'Rain', key: '' }).expect(303);
    await submit('manager', `${base}/fields/add`, { list: 'entryFields', type: 'number', label: 'Crew', key: '' }).expect(303);
    await submit('manager', `${base}/fields/update`, card('entryFields[1]', 'crew', { label: 'Crew', type: 'number', showIfField: 'rain', showIfEquals: 'yes' })).expect(303);
    await submit('manager', `${base}/publish`).expect(303);
    const template = (await world.as('manager', 'get', api(`/templates/${id}`)).expect(200)).body;
    expect(template.entryFields).to.deep.equal([{ key: 'rain', type: 'checkbox', label: 'Rain' }, { key: 'crew', type: 'number', label: 'Crew', showIf: { field: 'rain', equals: true } }]);
    await submit('manager', `${base}/fields/add`, { list: 'fields', type: 'date', label: 'Start', key: '' }).expect(303);
    await submit('manager', `${base}/fields/move`, { at: 'fields[1]', was: 'start', direction: 'up' }).expect(303);
    expect((await world.as('manager', 'get', api(`/templates/${id}`)).expect(200)).body.hasDraft).to.equal(true);
    await submit('manager', `${base}/fields/remove`, { at: 'fields[0]', was: 'start' }).expect(303);
    expect((await world.as('manager', 'get', api(`/templates/${id}`)).expect(200)).body.hasDraft, 'the working copy is version 2 again').to.equal(false);
  });

  it('importing lists a bad file\'s problems by path (422), refuses text that is not JSON, and makes a template of a good export', async () => {
    const empty = await submit('manager', '/t/rakennus/templates/import', { file: ' ' }).expect(422);
    expect(empty.text).to.contain('choose an exported template file, or paste its text');
    const notJson = await submit('manager', '/t/rakennus/templates/import', { file: '{"format": ' }).expect(422);
    expect(notJson.text).to.contain('<code>file</code> is not JSON');
    const bad = { format: 'kirjuri-template', formatVersion: 1, template: { name: 'Bad', kind: 'form', fields: [{ key: 'a', type: 'text', label: 'A' }, { key: 'a', type: 'text', label: 'B' }, { key: 'c', type: 'colour', label: 'C' }] } };
    const refused = await submit('manager', '/t/rakennus/templates/import', { file: JSON.stringify(bad) }).expect(422);
    expect(refused.text).to.contain('<code>template.fields[1].key</code> is already used by fields[0]').and.to.contain('<code>template.fields[2].type</code> is not a known field type');
    expect(refused.text, 'the text is kept for fixing').to.contain('&quot;colour&quot;');
    const id = await newTemplate('Exported form');
    const exported = (await world.as('manager', 'get', api(`/templates/${id}/export`)).expect(200)).body;
    const taken = await submit('manager', '/t/rakennus/templates/import', { file: JSON.stringify(exported) }).expect(409);
    expect(taken.text).to.contain('already exists here');
    exported.template.name = 'Imported form';
    const imported = await submit('manager', '/t/rakennus/templates/import', { file: JSON.stringify(exported) }).expect(303);
    expect((await page('manager', imported.headers.location as string).expect(200)).text).to.contain('“Imported form” is imported as version 1'.replace(/[“”]/g, '&quot;'));
  });

  it('a new template needs a name and a kind, and a taken name is refused beside the box (409)', async () => {
    const blank = await submit('manager', '/t/rakennus/templates', { name: ' ', kind: 'poster', description: '' }).expect(422);
    expect(errorBeside(blank.text, 'name')).to.equal('is required');
    expect(errorBeside(blank.text, 'kind')).to.contain('must be one of');
    await newTemplate('Round');
    const taken = await submit('manager', '/t/rakennus/templates', { name: 'ROUND', kind: 'measurement', description: '' }).expect(409);
    expect(errorBeside(taken.text, 'name')).to.equal('is already used by another template');
  });

  it('a folder structure is edited without JSON, refusing what would break it beside the box, and makes a project with its folders and draft records', async () => {
    const templateId = await newTemplate('Weekly inspection');
    const noFolder = await submit('manager', '/t/rakennus/structures', { name: 'Renovation', description: '', firstFolder: ' ' }).expect(422);
    expect(errorBeside(noFolder.text, 'firstFolder')).to.equal('is required');
    const made = await submit('manager', '/t/rakennus/structures', { name: 'Renovation', description: 'Flats.', firstFolder: 'Inspections' }).expect(303);
    const base = (made.headers.location as string).split('?')[0]!;
    expect(made.headers.location).to.equal(`${base}?open=0#folder-0`);
    const tree = (path: string, form: Record<string, string>, status = 303): request.Test => submit('manager', `${base}/${path}`, form).expect(status);
    await tree('folders/add', { at: '', name: 'Photos' });
    expect((await tree('folders/add', { at: '0', was: 'Inspections', name: 'Week 1' })).headers.location).to.equal(`${base}?open=0.0#folder-0-0`);
    const twice = await tree('folders/add', { at: '', name: 'PHOTOS' }, 422);
    expect(errorBeside(twice.text, 'add-top-name')).to.contain('is used twice at this level');
    expect(twice.text).to.contain('value="PHOTOS"');
    await tree('folders/rename', { at: '1', was: 'Photos', name: 'Valokuvat' });
    await tree('folders/rename', { at: '1', was: 'Photos', name: 'Again' }, 409);
    await tree('records/add', { at: '0.0', was: 'Week 1', templateId, title: 'Scaffolds' });
    await tree('records/add', { at: '0.0', was: 'Week 1', templateId, title: 'Fire safety' });
    const untitled = await tree('records/add', { at: '0.0', was: 'Week 1', templateId, title: '' }, 422);
    expect(errorBeside(untitled.text, 'folder-0-0-title')).to.equal('must not be empty');
    const unknown = await tree('records/add', { at: '0.0', was: 'Week 1', templateId: 'no-such-template', title: 'X' }, 422);
    expect(unknown.text).to.contain('which is not a template here');
    await tree('records/remove', { at: '0.0', was: 'Week 1', index: '1', wasTitle: 'Scaffolds' }, 409);
    await tree('records/remove', { at: '0.0', was: 'Week 1', index: '1', wasTitle: 'Fire safety' });
    await tree('details', { name: 'Flat renovation', description: '' });
    const stored = (await world.as('manager', 'get', api(`/structures/${base.split('/').at(-1)}`)).expect(200)).body;
    expect(stored).to.deep.include({ name: 'Flat renovation', description: null });
    expect(stored.folders).to.deep.equal([
      { name: 'Inspections', records: [], folders: [{ name: 'Week 1', records: [{ templateId, title: 'Scaffolds' }], folders: [] }] },
      { name: 'Valokuvat', records: [], folders: [] },
    ]);
    const editor = await page('manager', base).expect(200);
    expect(editor.text).to.match(/<option value=""[^>]*>At the top level<\/option>/).and.to.contain(`<option value="${folderId}">In Työmaa</option>`);
    expect(editor.text).to.contain('3 folders and 1 record');

    const applied = await submit('manager', `${base}/apply`, { name: 'Kerrostalo A', parentId: folderId }).expect(303);
    expect(applied.headers.location).to.match(/^\/t\/rakennus\/folders\/[0-9a-f-]{36}$/);
    const project = await page('manager', applied.headers.location as string).expect(200);
    expect(project.text).to.contain('Kerrostalo A').and.to.contain('Inspections').and.to.contain('Valokuvat');
    const projectId = (applied.headers.location as string).split('/').at(-1)!;
    const inspections = (await world.as('manager', 'get', api(`/folders?parentId=${projectId}`)).expect(200)).body.items.find((f: { name: string }) => f.name === 'Inspections');
    const week = (await world.as('manager', 'get', api(`/folders?parentId=${inspections.id}`)).expect(200)).body.items[0];
    const records = (await world.as('manager', 'get', api(`/records?folderId=${week.id}`)).expect(200)).body.items;
    expect(records.map((r: { title: string; status: string }) => [r.title, r.status])).to.deep.equal([['Scaffolds', 'draft']]);
    const again = await submit('manager', `${base}/apply`, { name: 'kerrostalo a', parentId: folderId }).expect(409);
    expect(errorBeside(again.text, 'apply-name')).to.equal('is already used here');
    expect(errorBeside((await submit('manager', `${base}/apply`, { name: '', parentId: '' }).expect(422)).text, 'apply-name')).to.equal('is required');

    await tree('folders/remove', { at: '1', was: 'Valokuvat' });
    const last = await tree('folders/remove', { at: '0', was: 'Inspections' }, 422);
    expect(last.text).to.contain('The structure must list at least one folder');
    expect((await tree('delete', {})).headers.location).to.equal('/t/rakennus/structures?done=deleted');
    expect((await page('manager', '/t/rakennus/structures?done=deleted').expect(200)).text).to.contain('The folder structure is deleted').and.not.to.contain('Flat renovation');
    await page('manager', base).expect(404);
  });

  it('members and viewers get 403 on the template and structure pages, another tenant\'s admin 404', async () => {
    const id = await newTemplate('Private form');
    const structure = await submit('manager', '/t/rakennus/structures', { name: 'Private structure', description: '', firstFolder: 'One' }).expect(303);
    const structurePath = (structure.headers.location as string).split('?')[0]!;
    for (const path of ['/t/rakennus/templates', `/t/rakennus/templates/${id}`, `/t/rakennus/templates/${id}/versions/1`, '/t/rakennus/structures', structurePath]) {
      await page('member', path).expect(403);
      await page('viewer', path).expect(403);
      await page('otherAdmin', path).expect(404);
    }
    for (const path of ['/t/rakennus/templates/library', `/t/rakennus/templates/${id}/publish`, `/t/rakennus/templates/${id}/fields/add`, `${structurePath}/apply`, `${structurePath}/delete`]) {
      await submit('member', path, { library: 'inspection', list: 'fields', type: 'text', label: 'X', name: 'X' }).expect(403);
    }
    await page('otherAdmin', `/t/toinen/templates/${id}`).expect(404);
    await page('admin', `/t/rakennus/templates/${id}`).expect(200);
  });
});
