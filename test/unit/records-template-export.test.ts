import { expect } from 'chai';
import { measurementScore } from '../../plugins/records/services/measurement-score.ts';
import { validateRecordData } from '../../plugins/records/services/record-data.ts';
import { parseTemplateDefinition, type TemplateDefinition, type TemplateField } from '../../plugins/records/services/template-definition.ts';
import {
  libraryTemplateIds, loadLibraryTemplate, parseTemplateExport, templateExportOf,
} from '../../plugins/records/services/template-export.ts';
import { tinyPngBase64 } from '../helpers/record-templates.ts';

const definition: TemplateDefinition = {
  name: 'Check', kind: 'form',
  fields: [{ key: 'ok', type: 'checkbox', label: 'OK' }, { key: 'kind', type: 'choice', label: 'Kind', options: [{ value: 'a', label: 'A' }] }],
};

function allFields(fields: readonly TemplateField[]): TemplateField[] {
  return fields.flatMap((field) => [field, ...allFields(field.fields ?? [])]);
}

describe('templateExportOf()', () => {
  it('templateExportOf() wraps a definition in the kirjuri-template envelope', () => {
    expect(templateExportOf(definition)).to.deep.equal({ format: 'kirjuri-template', formatVersion: 1, template: definition });
  });

  it('templateExportOf() copies the definition, so that later edits do not reach the export', () => {
    const exported = templateExportOf(definition);
    exported.template.fields.pop();
    expect(definition.fields).to.have.length(2);
  });
});

describe('parseTemplateExport()', () => {
  it('parseTemplateExport() reads back what templateExportOf() wrote, through JSON', () => {
    expect(parseTemplateExport(JSON.parse(JSON.stringify(templateExportOf(definition))))).to.deep.equal({ ok: true, definition });
  });

  it('parseTemplateExport() refuses something that is not a template export at "format"', () => {
    const error = { format: 'must be "kirjuri-template": this is not a Kirjuri template export' };
    for (const input of [null, [], 'kirjuri-template', {}, { format: 'kirjuri-form', formatVersion: 1, template: definition }, definition]) {
      expect(parseTemplateExport(input)).to.deep.equal({ ok: false, errors: error });
    }
  });

  it('parseTemplateExport() refuses a missing, wrong or newer formatVersion at "formatVersion"', () => {
    expect(parseTemplateExport({ format: 'kirjuri-template', template: definition })).to.deep.equal({ ok: false, errors: { formatVersion: 'must be 1' } });
    expect(parseTemplateExport({ format: 'kirjuri-template', formatVersion: '1', template: definition })).to.deep.equal({ ok: false, errors: { formatVersion: 'must be 1' } });
    expect(parseTemplateExport({ format: 'kirjuri-template', formatVersion: 2, template: definition }))
      .to.deep.equal({ ok: false, errors: { formatVersion: 'is 2, newer than this Kirjuri reads (1): update Kirjuri to import this template' } });
  });

  it('parseTemplateExport() refuses other envelope properties', () => {
    expect(parseTemplateExport({ format: 'kirjuri-template', formatVersion: 1, template: definition, exportedAt: 'today' }))
      .to.deep.equal({ ok: false, errors: { exportedAt: 'is not a property of a template export' } });
  });

  it('parseTemplateExport() reports the template\'s own errors prefixed with "template."', () => {
    const broken = { ...definition, fields: [...definition.fields, { key: 'x', type: 'x', label: 'X' }, { key: 'ok', type: 'text', label: 'Again' }] };
    const parsed = parseTemplateExport({ format: 'kirjuri-template', formatVersion: 1, template: broken });
    expect(parsed).to.deep.equal({ ok: false, errors: {
      'template.fields[2].type': 'is not a known field type (one of heading, text, longtext, number, date, datetime, choice, multichoice, checkbox, photo, file, signature, location, score, group)',
      'template.fields[3].key': 'is already used by fields[0]',
    } });
    expect(parseTemplateExport({ format: 'kirjuri-template', formatVersion: 1, template: { ...definition, name: '' } })).to.deep.equal({ ok: false, errors: { 'template.name': 'is required' } });
  });

  it('parseTemplateExport() refuses a missing template at "template"', () => {
    expect(parseTemplateExport({ format: 'kirjuri-template', formatVersion: 1 })).to.deep.equal({ ok: false, errors: { template: 'must be an object with name, kind and fields' } });
  });
});

describe('loadLibraryTemplate()', () => {
  it('loadLibraryTemplate() loads every library template, each a valid definition', async () => {
    for (const id of libraryTemplateIds) {
      const loaded = await loadLibraryTemplate(id);
      expect(parseTemplateDefinition(loaded), id).to.deep.equal({ ok: true, definition: loaded });
    }
  });

  it('loadLibraryTemplate() refuses an id the library does not have, with a sentence', async () => {
    for (const id of ['fire-inspection', '../package', 'site-diary.json', '']) {
      const failure = await loadLibraryTemplate(id).then(() => null, (error: unknown) => error);
      expect(failure, id).to.be.instanceOf(Error);
      expect((failure as Error).message).to.equal(`There is no library template "${id}"; the library has site-diary, safety-measurement, inspection.`);
    }
  });

  it('loadLibraryTemplate() gives a site diary journal with the daily entry fields', async () => {
    const diary = await loadLibraryTemplate('site-diary');
    expect(diary.kind).to.equal('journal');
    expect(diary.fields.map((field) => field.key)).to.include.members(['project', 'site_manager']);
    const entry = new Map((diary.entryFields ?? []).map((field) => [field.key, field]));
    expect(entry.get('weather')?.type).to.equal('choice');
    expect(entry.get('temperature')).to.include({ type: 'number', unit: '°C' });
    expect(entry.get('workers_on_site')?.type).to.equal('number');
    // The entry's own text says what was done that day.
    expect(entry.has('work_done')).to.equal(false);
    expect(entry.get('deliveries')?.type).to.equal('longtext');
    expect(entry.get('disruptions')?.type).to.equal('longtext');
    expect(entry.get('photos')?.type).to.equal('photo');
  });

  it('loadLibraryTemplate() gives a safety measurement of six areas with at least 15 score items, each explained', async () => {
    const round = await loadLibraryTemplate('safety-measurement');
    expect(round.kind).to.equal('measurement');
    const scores = round.fields.filter((field) => field.type === 'score');
    expect(scores.length).to.be.at.least(15);
    for (const item of scores) expect(item.help, item.key).to.be.a('string').with.length.above(40);
    const headings = round.fields.filter((field) => field.type === 'heading').map((field) => field.label);
    expect(headings).to.include.members(['Working practices', 'Scaffolding and ladders', 'Machinery and equipment', 'Protection against falling', 'Electricity and lighting', 'Order and tidiness']);
    expect(round.fields.map((field) => field.type)).to.include.members(['text', 'date', 'longtext', 'photo']);
    const answers = Object.fromEntries(scores.map((item, index) => [item.key, index === 0 ? false : index === 1 ? null : true]));
    const filled = validateRecordData(round.fields, { site: 'Harbour View', observer: 'Maija M', observed_on: '2024-05-31', ...answers }, { requireComplete: true });
    expect(filled.errors).to.deep.equal({});
    expect(measurementScore(round.fields, filled.data)).to.deep.include({ notInOrder: 1, notApplicable: 1, inOrder: scores.length - 2 });
  });

  it('loadLibraryTemplate() gives an inspection form with findings, a conclusion follow-up and two signatures', async () => {
    const inspection = await loadLibraryTemplate('inspection');
    expect(inspection.kind).to.equal('form');
    const findings = inspection.fields.find((field) => field.key === 'findings');
    expect(findings?.type).to.equal('group');
    expect(findings?.fields?.map((field) => field.type)).to.deep.equal(['longtext', 'choice', 'photo', 'longtext', 'date']);
    expect(allFields(inspection.fields).filter((field) => field.type === 'signature')).to.have.length(2);
    expect(inspection.fields.map((field) => field.type)).to.include.members(['datetime', 'location']);
    const followUp = inspection.fields.find((field) => field.showIf?.field === 'conclusion');
    expect(followUp?.type).to.equal('longtext');

    const signature = { image: `data:image/png;base64,${tinyPngBase64}` };
    const data = {
      inspected_object: 'Waterproofing, staircase A', inspection_type: 'acceptance', inspected_at: '2024-05-31T10:00+03:00', inspector: 'Ilkka I',
      findings: [{ description: 'Gap at the floor drain', severity: 'major', photos: ['up1'], due_date: '2024-06-07' }],
      conclusion: 'not_approved', inspector_signature: signature, representative_name: 'Sanna S', representative_signature: signature,
    };
    const checked = validateRecordData(inspection.fields, data, { requireComplete: true });
    expect(checked.errors).to.deep.equal({ not_approved_reason: 'is required' });
    expect(validateRecordData(inspection.fields, { ...data, conclusion: 'approved' }, { requireComplete: true }).ok).to.equal(true);
  });
});
