import { expect } from 'chai';
import { initialData, validateRecordData } from '../../plugins/records/services/record-data.ts';
import { fieldsOf } from '../helpers/record-templates.ts';

const complete = { requireComplete: true };
const draft = { requireComplete: false };

describe('validateRecordData()', () => {
  it('validateRecordData() returns the normalised data when every value is valid', () => {
    const fields = fieldsOf(
      { key: 'title', type: 'text', label: 'Title' },
      { key: 'notes', type: 'longtext', label: 'Notes' },
      { key: 'depth', type: 'number', label: 'Depth' },
      { key: 'day', type: 'date', label: 'Day' },
      { key: 'at', type: 'datetime', label: 'At' },
      { key: 'ok', type: 'checkbox', label: 'OK' },
      { key: 'na', type: 'score', label: 'N/A' },
    );
    const result = validateRecordData(fields, { title: '  Bridge  ', notes: ' line 1\r\nline 2 ', depth: 0, day: '2024-02-29', at: '2024-05-31T14:30:00+03:00', ok: false, na: null }, complete);
    expect(result).to.deep.equal({
      ok: true, errors: {},
      data: { title: 'Bridge', notes: 'line 1\nline 2', depth: 0, day: '2024-02-29', at: '2024-05-31T11:30:00.000Z', ok: false, na: null },
    });
  });

  it('validateRecordData() leaves out absent values: null, undefined, blank texts and empty lists', () => {
    const fields = fieldsOf(
      { key: 't', type: 'text', label: 'T' }, { key: 'l', type: 'longtext', label: 'L' }, { key: 'n', type: 'number', label: 'N' },
      { key: 'm', type: 'multichoice', label: 'M', options: ['a'] }, { key: 'p', type: 'photo', label: 'P' },
      { key: 'g', type: 'group', label: 'G', fields: [{ key: 'x', type: 'text', label: 'X' }] }, { key: 'd', type: 'date', label: 'D' },
    );
    const result = validateRecordData(fields, { t: '   ', l: '', n: null, m: [], p: [], g: [], d: '' }, complete);
    expect(result).to.deep.equal({ ok: true, data: {}, errors: {} });
  });

  it('validateRecordData() refuses input that is not a plain object at "data"', () => {
    for (const input of [null, undefined, [], 'x', 3, new Date()]) {
      expect(validateRecordData(fieldsOf(), input, draft)).to.deep.equal({ ok: false, data: {}, errors: { data: 'must be an object of field values keyed by field key' } });
    }
  });

  it('validateRecordData() refuses a key that is not a field of the template, "__proto__" included', () => {
    const fields = fieldsOf({ key: 'a', type: 'text', label: 'A' });
    const result = validateRecordData(fields, JSON.parse('{"a":"x","colour":"red","__proto__":{"admin":true}}'), draft);
    expect(result.ok).to.equal(false);
    expect(result.errors).to.deep.equal({ colour: 'is not a field of this template', ['__proto__']: 'is not a field of this template' });
    expect(Object.keys(result.errors)).to.include('__proto__');
    expect(result.data).to.deep.equal({ a: 'x' });
  });

  it('validateRecordData() refuses a value for a heading', () => {
    const fields = fieldsOf({ key: 'intro', type: 'heading', label: 'Intro' });
    expect(validateRecordData(fields, { intro: 'x' }, draft).errors).to.deep.equal({ intro: 'is a heading and takes no value' });
    expect(validateRecordData(fields, { intro: null }, draft).errors).to.deep.equal({ intro: 'is a heading and takes no value' });
    expect(validateRecordData(fields, {}, complete).ok).to.equal(true);
  });

  it('validateRecordData() collects every error, not only the first', () => {
    const fields = fieldsOf(
      { key: 'a', type: 'number', label: 'A', max: 3 }, { key: 'b', type: 'text', label: 'B', required: true }, { key: 'c', type: 'checkbox', label: 'C' },
    );
    const result = validateRecordData(fields, { a: 4, c: 'yes', d: 1 }, complete);
    expect(result.errors).to.deep.equal({ d: 'is not a field of this template', a: 'must be at most 3', c: 'must be true or false', b: 'is required' });
    expect(result.data).to.deep.equal({});
  });
});

describe('validateRecordData() required fields', () => {
  const fields = fieldsOf(
    { key: 'site', type: 'text', label: 'Site', required: true },
    { key: 'item', type: 'score', label: 'Item', required: true },
    { key: 'done', type: 'checkbox', label: 'Done', required: true },
  );

  it('validateRecordData() refuses a missing required field when the record must be complete', () => {
    expect(validateRecordData(fields, { site: '  ' }, complete).errors).to.deep.equal({ site: 'is required', item: 'is required', done: 'is required' });
  });

  it('validateRecordData() accepts missing required fields in a draft but still checks the values given', () => {
    expect(validateRecordData(fields, {}, draft)).to.deep.equal({ ok: true, data: {}, errors: {} });
    expect(validateRecordData(fields, { site: 5 }, draft).errors).to.deep.equal({ site: 'must be text' });
  });

  it('validateRecordData() counts a score of null (not applicable) and a checkbox of false as answered', () => {
    expect(validateRecordData(fields, { site: 'A', item: null, done: false }, complete)).to.deep.equal({ ok: true, data: { site: 'A', item: null, done: false }, errors: {} });
  });

  it('validateRecordData() reads only the data\'s own keys, so a field keyed constructor is missing when absent', () => {
    const odd = fieldsOf({ key: 'constructor', type: 'text', label: 'C', required: true }, { key: 'tostring', type: 'text', label: 'T' });
    expect(validateRecordData(odd, {}, complete).errors).to.deep.equal({ constructor: 'is required' });
    expect(validateRecordData(odd, { constructor: 'x' }, complete)).to.deep.equal({ ok: true, data: { constructor: 'x' }, errors: {} });
  });
});

describe('validateRecordData() showIf', () => {
  const fields = fieldsOf(
    { key: 'conclusion', type: 'choice', label: 'Conclusion', options: ['approved', 'rejected'], required: true },
    { key: 'reason', type: 'text', label: 'Reason', required: true, showIf: { field: 'conclusion', equals: 'rejected' } },
    { key: 'appeal', type: 'checkbox', label: 'Appeal', required: true, showIf: { field: 'reason', equals: 'other' } },
  );

  it('validateRecordData() does not require a field its showIf hides', () => {
    expect(validateRecordData(fields, { conclusion: 'approved' }, complete)).to.deep.equal({ ok: true, data: { conclusion: 'approved' }, errors: {} });
  });

  it('validateRecordData() requires a field its showIf shows', () => {
    expect(validateRecordData(fields, { conclusion: 'rejected' }, complete).errors).to.deep.equal({ reason: 'is required' });
    expect(validateRecordData(fields, { conclusion: 'rejected', reason: ' other ' }, complete).errors).to.deep.equal({ appeal: 'is required' });
  });

  it('validateRecordData() still checks and keeps the value of a hidden field', () => {
    expect(validateRecordData(fields, { conclusion: 'approved', reason: ' old ' }, complete).data).to.deep.equal({ conclusion: 'approved', reason: 'old' });
    expect(validateRecordData(fields, { conclusion: 'approved', reason: 3 }, complete).errors).to.deep.equal({ reason: 'must be text' });
  });

  it('validateRecordData() hides a field that follows a hidden field, whatever value the hidden one kept', () => {
    expect(validateRecordData(fields, { conclusion: 'approved', reason: 'other' }, complete).ok).to.equal(true);
  });

  it('validateRecordData() evaluates showIf inside a group on each row\'s own data', () => {
    const rows = fieldsOf({ key: 'rows', type: 'group', label: 'Rows', fields: [
      { key: 'kind', type: 'choice', label: 'Kind', options: ['ok', 'defect'] },
      { key: 'note', type: 'text', label: 'Note', required: true, showIf: { field: 'kind', equals: 'defect' } },
    ] });
    expect(validateRecordData(rows, { rows: [{ kind: 'ok' }, { kind: 'defect' }, { kind: 'defect', note: 'x' }] }, complete).errors).to.deep.equal({ 'rows[1].note': 'is required' });
  });
});

describe('validateRecordData() groups', () => {
  const fields = fieldsOf({
    key: 'rows', type: 'group', label: 'Rows', min: 1, max: 3,
    fields: [{ key: 'note', type: 'text', label: 'Note', required: true }, { key: 'depth', type: 'number', label: 'Depth', max: 5 }],
  });

  it('validateRecordData() checks each row and reports errors at rows[N].key', () => {
    const result = validateRecordData(fields, { rows: [{ note: ' a ', depth: 1 }, { depth: 9, colour: 'red' }, 'row'] }, complete);
    expect(result.errors).to.deep.equal({
      'rows[1].colour': 'is not a field of this template',
      'rows[1].depth': 'must be at most 5',
      'rows[1].note': 'is required',
      'rows[2]': 'must be an object of field values',
    });
    expect(result.data).to.deep.equal({ rows: [{ note: 'a', depth: 1 }, {}, {}] });
  });

  it('validateRecordData() refuses a group value that is not a list and more rows than max', () => {
    expect(validateRecordData(fields, { rows: { note: 'a' } }, draft).errors).to.deep.equal({ rows: 'must be a list of rows, each an object of field values' });
    const four = Array.from({ length: 4 }, () => ({ note: 'n' }));
    expect(validateRecordData(fields, { rows: four }, draft).errors).to.deep.equal({ rows: 'may have at most 3 rows (this one has 4)' });
  });

  it('validateRecordData() requires min rows and the rows\' required fields only when the record must be complete', () => {
    expect(validateRecordData(fields, { rows: [{}] }, draft)).to.deep.equal({ ok: true, data: { rows: [{}] }, errors: {} });
    expect(validateRecordData(fields, {}, draft).ok).to.equal(true);
    expect(validateRecordData(fields, {}, complete).errors).to.deep.equal({ rows: 'needs at least 1 row' });
    const two = fieldsOf({ key: 'rows', type: 'group', label: 'Rows', min: 2, fields: [{ key: 'note', type: 'text', label: 'Note' }] });
    expect(validateRecordData(two, { rows: [{ note: 'a' }] }, complete).errors).to.deep.equal({ rows: 'needs at least 2 rows' });
  });

  it('validateRecordData() says a required group is required rather than short of rows', () => {
    const required = fieldsOf({ key: 'rows', type: 'group', label: 'Rows', required: true, min: 2, fields: [{ key: 'note', type: 'text', label: 'Note' }] });
    expect(validateRecordData(required, { rows: [] }, complete).errors).to.deep.equal({ rows: 'is required' });
  });
});

describe('initialData()', () => {
  it('initialData() holds the defaults of the fields that have one, and nothing else', () => {
    const fields = fieldsOf(
      { key: 'intro', type: 'heading', label: 'Intro' },
      { key: 'count', type: 'number', label: 'Count', default: 3 },
      { key: 'name', type: 'text', label: 'Name' },
      { key: 'item', type: 'score', label: 'Item', default: null },
      { key: 'tags', type: 'multichoice', label: 'Tags', options: ['a', 'b'], default: ['a'] },
      { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'n', type: 'number', label: 'N', default: 1 }] },
    );
    expect(initialData(fields)).to.deep.equal({ count: 3, item: null, tags: ['a'] });
    expect(initialData(fields[5]!.fields!)).to.deep.equal({ n: 1 });
  });

  it('initialData() gives copies, so that editing a new record does not change the template', () => {
    const fields = fieldsOf({ key: 'tags', type: 'multichoice', label: 'Tags', options: ['a', 'b'], default: ['a'] });
    (initialData(fields).tags as string[]).push('b');
    expect(fields[0]!.default).to.deep.equal(['a']);
  });

  it('initialData() returns data that validates as a draft', () => {
    const fields = fieldsOf({ key: 'when', type: 'datetime', label: 'When', default: '2024-05-31T12:00Z' }, { key: 'site', type: 'text', label: 'Site', required: true });
    expect(validateRecordData(fields, initialData(fields), draft)).to.deep.equal({ ok: true, data: { when: '2024-05-31T12:00:00.000Z' }, errors: {} });
  });
});
