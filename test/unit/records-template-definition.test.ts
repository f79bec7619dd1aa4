import { expect } from 'chai';
import { fieldAt, fieldTypes } from '../../plugins/records/services/template-definition.ts';
import { definitionOf, formOf as form, templateErrorsOf as errorsOf } from '../helpers/record-templates.ts';

describe('parseTemplateDefinition()', () => {
  it('parseTemplateDefinition() returns a normalised definition when the input is valid', () => {
    const definition = definitionOf({
      name: '  Daily check ', description: ' Each morning. ', kind: 'form',
      fields: [
        { key: 'intro', type: 'heading', label: ' Before you start ', help: '' },
        { key: 'weather', type: 'choice', label: 'Weather', options: [' sunny ', { value: 'rain', label: 'Rain' }, { value: 'snow' }], required: true },
        { key: 'depth', type: 'number', label: 'Depth', unit: ' m ', min: 0, max: 10, default: 2 },
        { key: 'note', type: 'text', label: 'Note', default: '  none  ', help: ' Anything odd. ' },
      ],
    });
    expect(definition).to.deep.equal({
      name: 'Daily check', description: 'Each morning.', kind: 'form',
      fields: [
        { key: 'intro', type: 'heading', label: 'Before you start' },
        { key: 'weather', type: 'choice', label: 'Weather', required: true, options: [{ value: 'sunny', label: 'sunny' }, { value: 'rain', label: 'Rain' }, { value: 'snow', label: 'snow' }] },
        { key: 'depth', type: 'number', label: 'Depth', default: 2, min: 0, max: 10, unit: 'm' },
        { key: 'note', type: 'text', label: 'Note', help: 'Anything odd.', default: 'none' },
      ],
    });
    expect(Object.values(definition.fields[0]!)).not.to.include(undefined);
  });

  it('parseTemplateDefinition() accepts every field type with its own properties', () => {
    const definition = definitionOf({
      name: 'All', kind: 'measurement',
      fields: [
        { key: 'h', type: 'heading', label: 'H', showIf: undefined },
        { key: 't', type: 'text', label: 'T', required: false },
        { key: 'lt', type: 'longtext', label: 'LT', default: 'a\r\nb' },
        { key: 'n', type: 'number', label: 'N', min: -5.5, max: 5.5, unit: '°C' },
        { key: 'd', type: 'date', label: 'D', default: '2024-02-29' },
        { key: 'dt', type: 'datetime', label: 'DT', default: '2024-05-31T14:30+03:00' },
        { key: 'c', type: 'choice', label: 'C', options: ['a', 'b'] },
        { key: 'mc', type: 'multichoice', label: 'MC', options: ['a', 'b'], default: ['b'] },
        { key: 'cb', type: 'checkbox', label: 'CB', default: false },
        { key: 'p', type: 'photo', label: 'P', multiple: true, min: 1, max: 5 },
        { key: 'f', type: 'file', label: 'F', multiple: false, accept: ['Application/PDF', 'image/*'] },
        { key: 'sig', type: 'signature', label: 'Sig', required: true },
        { key: 'loc', type: 'location', label: 'Loc', default: { lat: 60.17, lon: 24.94 } },
        { key: 's', type: 'score', label: 'S', default: null },
        { key: 'g', type: 'group', label: 'G', min: 0, max: 3, fields: [{ key: 't', type: 'text', label: 'T' }] },
      ],
    });
    expect(definition.fields.map((field) => field.type)).to.deep.equal(fieldTypes);
    expect(definition.fields[2]!.default).to.equal('a\nb');
    expect(definition.fields[5]!.default).to.equal('2024-05-31T11:30:00.000Z');
    expect(definition.fields[10]!.accept).to.deep.equal(['application/pdf', 'image/*']);
    expect(definition.fields[13]).to.have.property('default', null);
  });

  it('parseTemplateDefinition() refuses input that is not an object at "template"', () => {
    for (const input of [null, 'form', [], 3]) expect(errorsOf(input)).to.deep.equal({ template: 'must be an object with name, kind and fields' });
  });

  it('parseTemplateDefinition() reports every problem at once, not only the first', () => {
    const errors = errorsOf({ name: '', kind: 'poster', fields: [{ key: 'A', type: 'text', label: 'A' }, { key: 'b', type: 'colour', label: '' }] });
    expect(errors).to.have.all.keys('name', 'kind', 'fields[0].key', 'fields[1].type', 'fields[1].label');
    expect(errors.kind).to.equal('must be one of: form, journal, measurement');
  });

  it('parseTemplateDefinition() refuses a missing or too long name and description', () => {
    expect(errorsOf({ kind: 'form', fields: [] }).name).to.equal('is required');
    expect(errorsOf({ name: '   ', kind: 'form', fields: [] }).name).to.equal('is required');
    expect(errorsOf({ name: 'x'.repeat(201), kind: 'form', fields: [] }).name).to.equal('must be at most 200 characters');
    expect(errorsOf({ name: 'a\nb', kind: 'form', fields: [] }).name).to.match(/^must be one line/);
    expect(definitionOf({ name: 'x'.repeat(200), kind: 'form', fields: [] }).name).to.have.length(200);
    expect(errorsOf({ name: 'N', description: 'x'.repeat(2001), kind: 'form', fields: [] }).description).to.equal('must be at most 2000 characters');
    expect(definitionOf({ name: 'N', description: 'x\n'.repeat(1000), kind: 'form', fields: [] }).description).to.have.length(1999);
    expect(errorsOf({ name: 'N', fields: [] }).kind).to.equal('is required: one of form, journal, measurement');
    expect(errorsOf({ name: 'N', kind: 'form' }).fields).to.equal('must be a list of fields');
  });

  it('parseTemplateDefinition() refuses a template property that is not listed, "__proto__" included', () => {
    const errors = errorsOf(JSON.parse('{"name":"N","kind":"form","fields":[],"colour":"red","__proto__":{}}'));
    expect(errors).to.deep.equal({ colour: 'is not a template property', ['__proto__']: 'is not a template property' });
    expect(Object.keys(errors)).to.include('__proto__');
  });

  it('parseTemplateDefinition() refuses an unknown field type at fields[N].type', () => {
    const errors = errorsOf(form({ key: 'a', type: 'text', label: 'A' }, { key: 'b', type: 'colour', label: 'B' }));
    expect(errors).to.deep.equal({ 'fields[1].type': `is not a known field type (one of ${fieldTypes.join(', ')})` });
    expect(errorsOf(form({ key: 'b', label: 'B' }))).to.deep.equal({ 'fields[0].type': 'is required' });
    expect(errorsOf(form({ key: 'b', type: 7, label: 'B' }))).to.have.key('fields[0].type');
  });

  it('parseTemplateDefinition() refuses a duplicate key at fields[N].key, naming the first', () => {
    const errors = errorsOf(form({ key: 'a', type: 'text', label: 'A' }, { key: 'b', type: 'text', label: 'B' }, { key: 'a', type: 'number', label: 'A2' }));
    expect(errors).to.deep.equal({ 'fields[2].key': 'is already used by fields[0]' });
  });

  it('parseTemplateDefinition() keeps a group\'s keys in their own namespace and refuses duplicates inside it', () => {
    const group = { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'rows', type: 'text', label: 'R' }, { key: 'note', type: 'text', label: 'N' }, { key: 'note', type: 'text', label: 'N2' }] };
    const errors = errorsOf(form({ key: 'note', type: 'text', label: 'Note' }, group));
    expect(errors).to.deep.equal({ 'fields[1].fields[2].key': 'is already used by fields[1].fields[1]' });
  });

  it('parseTemplateDefinition() refuses keys that do not match the key pattern', () => {
    for (const key of ['A', '1a', '_a', 'a-b', 'a b', 'ä', 'a'.repeat(41), '', 3]) {
      expect(errorsOf(form({ key, type: 'text', label: 'L' })), String(key)).to.have.key('fields[0].key');
    }
    expect(errorsOf(form({ type: 'text', label: 'L' }))).to.deep.equal({ 'fields[0].key': 'is required' });
    expect(definitionOf(form({ key: `a${'_9'.repeat(19)}b`, type: 'text', label: 'L' })).fields[0]!.key).to.have.length(40);
  });

  it('parseTemplateDefinition() refuses a field that is not an object and a missing or too long label', () => {
    expect(errorsOf(form('text'))).to.deep.equal({ 'fields[0]': 'must be an object with key, type and label' });
    expect(errorsOf(form({ key: 'a', type: 'text' }))).to.deep.equal({ 'fields[0].label': 'is required' });
    expect(errorsOf(form({ key: 'a', type: 'text', label: 'x'.repeat(201) }))).to.deep.equal({ 'fields[0].label': 'must be at most 200 characters' });
    expect(errorsOf(form({ key: 'a', type: 'text', label: 'L', help: 'x'.repeat(1001) }))).to.deep.equal({ 'fields[0].help': 'must be at most 1000 characters' });
  });

  it('parseTemplateDefinition() refuses a property that is not a field property at its path', () => {
    const errors = errorsOf(form({ key: 'a', type: 'text', label: 'A' }, { key: 'b', type: 'text', label: 'B' }, { key: 'c', type: 'text', label: 'C', colour: 'red', constructor: 1 }));
    expect(errors).to.deep.equal({ 'fields[2].colour': 'is not a field property', 'fields[2].constructor': 'is not a field property' });
  });

  it('parseTemplateDefinition() refuses properties that do not apply to the field type at their paths', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ type: 'number', options: ['a'] }, 'options', 'does not apply to number fields'],
      [{ type: 'text', unit: 'm' }, 'unit', 'does not apply to text fields'],
      [{ type: 'heading', required: true }, 'required', 'does not apply to heading fields'],
      [{ type: 'heading', default: 'x' }, 'default', 'does not apply to heading fields'],
      [{ type: 'photo', default: ['x'] }, 'default', 'does not apply to photo fields'],
      [{ type: 'file', default: ['x'] }, 'default', 'does not apply to file fields'],
      [{ type: 'signature', default: { signatureId: 'x' } }, 'default', 'does not apply to signature fields'],
      [{ type: 'group', default: [], fields: [{ key: 'a', type: 'text', label: 'A' }] }, 'default', 'does not apply to group fields'],
      [{ type: 'text', min: 1 }, 'min', 'does not apply to text fields'],
      [{ type: 'date', max: 1 }, 'max', 'does not apply to date fields'],
      [{ type: 'text', fields: [] }, 'fields', 'does not apply to text fields'],
      [{ type: 'text', multiple: true }, 'multiple', 'does not apply to text fields'],
      [{ type: 'photo', accept: ['image/*'] }, 'accept', 'does not apply to photo fields'],
      [{ type: 'score', unit: '%' }, 'unit', 'does not apply to score fields'],
    ];
    for (const [properties, property, error] of cases) {
      expect(errorsOf(form({ key: 'a', label: 'A', ...properties })), `${properties.type as string}.${property}`).to.deep.equal({ [`fields[0].${property}`]: error });
    }
  });

  it('parseTemplateDefinition() refuses a required, multiple or unit of the wrong kind', () => {
    expect(errorsOf(form({ key: 'a', type: 'text', label: 'A', required: 'yes' }))).to.deep.equal({ 'fields[0].required': 'must be true or false' });
    expect(errorsOf(form({ key: 'a', type: 'photo', label: 'A', multiple: 1 }))).to.deep.equal({ 'fields[0].multiple': 'must be true or false' });
    expect(errorsOf(form({ key: 'a', type: 'number', label: 'A', unit: 'x'.repeat(21) }))).to.deep.equal({ 'fields[0].unit': 'must be at most 20 characters' });
  });
});

describe('parseTemplateDefinition() groups', () => {
  it('parseTemplateDefinition() reports errors of group fields at paths like fields[4].fields[1].key', () => {
    const texts = [0, 1, 2, 3].map((index) => ({ key: `f${index}`, type: 'text', label: 'F' }));
    const group = { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'a', type: 'text', label: 'A' }, { key: 'B', type: 'colour', label: 'B', colour: 1 }] };
    expect(errorsOf(form(...texts, group))).to.deep.equal({
      'fields[4].fields[1].key': 'must start with a lower-case letter and hold only lower-case letters, digits and underscores, at most 40 characters',
      'fields[4].fields[1].type': `is not a known field type (one of ${fieldTypes.join(', ')})`,
      'fields[4].fields[1].colour': 'is not a field property',
    });
  });

  it('parseTemplateDefinition() requires 1 to 50 fields in a group', () => {
    const child = (index: number) => ({ key: `c${index}`, type: 'text', label: 'C' });
    expect(errorsOf(form({ key: 'g', type: 'group', label: 'G' }))).to.deep.equal({ 'fields[0].fields': 'is required: a group holds from 1 to 50 fields' });
    expect(errorsOf(form({ key: 'g', type: 'group', label: 'G', fields: [] }))).to.deep.equal({ 'fields[0].fields': 'must hold from 1 to 50 fields (this one has 0)' });
    expect(errorsOf(form({ key: 'g', type: 'group', label: 'G', fields: Array.from({ length: 51 }, (_, index) => child(index)) })))
      .to.deep.equal({ 'fields[0].fields': 'must hold from 1 to 50 fields (this one has 51)' });
    expect(definitionOf(form({ key: 'g', type: 'group', label: 'G', fields: Array.from({ length: 50 }, (_, index) => child(index)) })).fields[0]!.fields).to.have.length(50);
  });

  it('parseTemplateDefinition() refuses a group inside a group', () => {
    const inner = { key: 'inner', type: 'group', label: 'Inner', fields: [{ key: 'a', type: 'text', label: 'A' }] };
    expect(errorsOf(form({ key: 'outer', type: 'group', label: 'Outer', fields: [inner] })))
      .to.deep.equal({ 'fields[0].fields[0].type': 'cannot be group inside a group: groups do not nest' });
  });

  it('parseTemplateDefinition() accepts 200 fields in all, groups included, and refuses 201', () => {
    const children = Array.from({ length: 49 }, (_, index) => ({ key: `c${index}`, type: 'text', label: 'C' }));
    const groups = Array.from({ length: 4 }, (_, index) => ({ key: `g${index}`, type: 'group', label: 'G', fields: children }));
    expect(definitionOf(form(...groups)).fields).to.have.length(4);
    expect(errorsOf(form(...groups, { key: 'one_more', type: 'text', label: 'X' })))
      .to.deep.equal({ fields: 'must hold at most 200 fields in all, those inside groups included (this one has 201)' });
  });
});

describe('parseTemplateDefinition() showIf', () => {
  const conclusion = { key: 'conclusion', type: 'choice', label: 'Conclusion', options: ['approved', 'rejected'] };

  it('parseTemplateDefinition() accepts a showIf that follows an earlier sibling with one of its values', () => {
    const definition = definitionOf(form(
      conclusion,
      { key: 'reason', type: 'text', label: 'Reason', showIf: { field: 'conclusion', equals: 'rejected' } },
      { key: 'ok', type: 'checkbox', label: 'OK' },
      { key: 'why', type: 'longtext', label: 'Why', showIf: { field: 'ok', equals: false } },
      { key: 'n', type: 'number', label: 'N', max: 5 },
      { key: 'more', type: 'text', label: 'More', showIf: { field: 'n', equals: 5 } },
      { key: 'code', type: 'text', label: 'Code' },
      { key: 'detail', type: 'heading', label: 'Detail', showIf: { field: 'code', equals: ' x1 ' } },
    ));
    expect(definition.fields[1]!.showIf).to.deep.equal({ field: 'conclusion', equals: 'rejected' });
    expect(definition.fields[3]!.showIf).to.deep.equal({ field: 'ok', equals: false });
    expect(definition.fields[7]!.showIf).to.deep.equal({ field: 'code', equals: 'x1' });
  });

  it('parseTemplateDefinition() refuses a showIf that names a later field, itself or no field', () => {
    const errors = errorsOf(form(
      { key: 'a', type: 'text', label: 'A', showIf: { field: 'b', equals: 'x' } },
      { key: 'b', type: 'text', label: 'B', showIf: { field: 'b', equals: 'x' } },
      { key: 'c', type: 'text', label: 'C', showIf: { field: 'nothing', equals: 'x' } },
      { key: 'd', type: 'text', label: 'D', showIf: { equals: 'x' } },
    ));
    expect(errors).to.deep.equal({
      'fields[0].showIf.field': 'names fields[1], which comes later: showIf can only follow a field declared earlier at the same level',
      'fields[1].showIf.field': 'names this field itself: showIf must follow a field declared earlier at the same level',
      'fields[2].showIf.field': 'names "nothing", which is not a field declared earlier at the same level',
      'fields[3].showIf.field': 'is required: the key of a field declared earlier at the same level',
    });
  });

  it('parseTemplateDefinition() refuses a showIf on a field type that cannot control one', () => {
    expect(errorsOf(form({ key: 'd', type: 'date', label: 'D' }, { key: 'x', type: 'text', label: 'X', showIf: { field: 'd', equals: '2024-01-01' } })))
      .to.deep.equal({ 'fields[1].showIf.field': 'names a date field: showIf can only follow choice, checkbox, text, number fields' });
  });

  it('parseTemplateDefinition() refuses a showIf whose equals is not a value of the field it names', () => {
    expect(errorsOf(form(conclusion, { key: 'x', type: 'text', label: 'X', showIf: { field: 'conclusion', equals: 'maybe' } })))
      .to.deep.equal({ 'fields[1].showIf.equals': 'is not a value "conclusion" can take: it must be one of: approved, rejected' });
    expect(errorsOf(form({ key: 'ok', type: 'checkbox', label: 'OK' }, { key: 'x', type: 'text', label: 'X', showIf: { field: 'ok', equals: 'yes' } })))
      .to.deep.equal({ 'fields[1].showIf.equals': 'is not a value "ok" can take: it must be true or false' });
    expect(errorsOf(form({ key: 'n', type: 'number', label: 'N', min: 0 }, { key: 'x', type: 'text', label: 'X', showIf: { field: 'n', equals: -1 } })))
      .to.have.key('fields[1].showIf.equals');
    expect(errorsOf(form({ key: 't', type: 'text', label: 'T' }, { key: 'x', type: 'text', label: 'X', showIf: { field: 't', equals: ' ' } })))
      .to.deep.equal({ 'fields[1].showIf.equals': 'is not a value "t" can take: it must not be empty' });
    expect(errorsOf(form(conclusion, { key: 'x', type: 'text', label: 'X', showIf: { field: 'conclusion' } })))
      .to.deep.equal({ 'fields[1].showIf.equals': 'is required' });
  });

  it('parseTemplateDefinition() refuses a showIf that is not an object or has other properties', () => {
    expect(errorsOf(form(conclusion, { key: 'x', type: 'text', label: 'X', showIf: 'conclusion' }))).to.deep.equal({ 'fields[1].showIf': 'must be an object { field, equals }' });
    expect(errorsOf(form(conclusion, { key: 'x', type: 'text', label: 'X', showIf: { field: 'conclusion', equals: 'approved', not: true } })))
      .to.deep.equal({ 'fields[1].showIf.not': 'is not a showIf property' });
  });

  it('parseTemplateDefinition() resolves a showIf inside a group among the group\'s own fields', () => {
    const group = (showIf: unknown) => ({ key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'kind', type: 'choice', label: 'Kind', options: ['a', 'b'] }, { key: 'note', type: 'text', label: 'Note', showIf }] });
    expect(definitionOf(form(group({ field: 'kind', equals: 'b' }))).fields[0]!.fields![1]!.showIf).to.deep.equal({ field: 'kind', equals: 'b' });
    expect(errorsOf(form(conclusion, group({ field: 'conclusion', equals: 'approved' }))))
      .to.deep.equal({ 'fields[1].fields[1].showIf.field': 'names "conclusion", which is not a field declared earlier at the same level' });
  });
});

describe('parseTemplateDefinition() kinds', () => {
  const entry = [{ key: 'weather', type: 'choice', label: 'Weather', options: ['sun', 'rain'] }];

  it('parseTemplateDefinition() accepts entryFields on a journal and refuses them on other kinds', () => {
    expect(definitionOf({ name: 'Diary', kind: 'journal', fields: [], entryFields: entry }).entryFields).to.deep.equal([{ key: 'weather', type: 'choice', label: 'Weather', options: [{ value: 'sun', label: 'sun' }, { value: 'rain', label: 'rain' }] }]);
    expect(definitionOf({ name: 'Diary', kind: 'journal', fields: [] })).not.to.have.property('entryFields');
    expect(errorsOf({ name: 'Form', kind: 'form', fields: [], entryFields: entry }))
      .to.deep.equal({ entryFields: 'is only for journal templates: the fields of each diary entry (this is a form template)' });
    expect(errorsOf({ name: 'Diary', kind: 'journal', fields: [], entryFields: [{ key: 'x', type: 'colour', label: 'X' }] })).to.have.key('entryFields[0].type');
  });

  it('parseTemplateDefinition() keeps entryFields keys apart from the header fields', () => {
    expect(definitionOf({ name: 'Diary', kind: 'journal', fields: entry, entryFields: entry }).entryFields).to.have.length(1);
  });

  it('parseTemplateDefinition() requires a measurement to hold a score field, in a group or not', () => {
    expect(errorsOf({ name: 'Round', kind: 'measurement', fields: [{ key: 'a', type: 'text', label: 'A' }] }))
      .to.deep.equal({ fields: 'must hold at least one score field in a measurement template: the items observed as in order or not' });
    expect(definitionOf({ name: 'Round', kind: 'measurement', fields: [{ key: 'g', type: 'group', label: 'G', fields: [{ key: 's', type: 'score', label: 'S' }] }] }).kind).to.equal('measurement');
    expect(errorsOf({ name: 'Round', kind: 'measurement', fields: [{ key: 's', type: 'score', label: '' }] })).to.deep.equal({ 'fields[0].label': 'is required' });
  });
});

describe('fieldAt()', () => {
  const definition = definitionOf(form(
    { key: 'site', type: 'text', label: 'Site' },
    { key: 'findings', type: 'group', label: 'Findings', fields: [{ key: 'severity', type: 'choice', label: 'Severity', options: ['low', 'high'] }] },
  ));

  it('fieldAt() finds a field by its key and a group field by the group key and its own', () => {
    expect(fieldAt(definition, ['site'])?.label).to.equal('Site');
    expect(fieldAt(definition, ['findings'])?.type).to.equal('group');
    expect(fieldAt(definition, ['findings', 'severity'])?.label).to.equal('Severity');
  });

  it('fieldAt() skips row numbers, so a data path\'s parts can be passed as they are', () => {
    expect(fieldAt(definition, ['findings', '2', 'severity'])?.label).to.equal('Severity');
  });

  it('fieldAt() returns undefined when no field is at the path', () => {
    expect(fieldAt(definition, ['nothing'])).to.equal(undefined);
    expect(fieldAt(definition, ['site', 'severity'])).to.equal(undefined);
    expect(fieldAt(definition, ['findings', 'site'])).to.equal(undefined);
    expect(fieldAt(definition, ['constructor'])).to.equal(undefined);
    expect(fieldAt(definition, [])).to.equal(undefined);
  });
});
