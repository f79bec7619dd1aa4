import { expect } from 'chai';
import { diffRecordData } from '../../plugins/records/services/record-diff.ts';
import type { TemplateField } from '../../plugins/records/services/template-definition.ts';

const fields: TemplateField[] = [
  { key: 'intro', type: 'heading', label: 'Intro' },
  { key: 'depth', type: 'number', label: 'Depth' },
  { key: 'site', type: 'text', label: 'Site' },
  { key: 'tags', type: 'multichoice', label: 'Tags', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
  { key: 'where', type: 'location', label: 'Where' },
  { key: 'item', type: 'score', label: 'Item' },
  { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }, { key: 'ok', type: 'checkbox', label: 'OK' }] },
];

describe('diffRecordData()', () => {
  it('diffRecordData() finds nothing when the data is the same', () => {
    const data = { depth: 3, tags: ['a'], where: { lat: 1, lon: 2 }, item: null, rows: [{ note: 'n' }] };
    expect(diffRecordData(fields, data, structuredClone(data))).to.deep.equal([]);
    expect(diffRecordData(fields, {}, {})).to.deep.equal([]);
  });

  it('diffRecordData() reports added, removed and changed fields in template field order', () => {
    const changes = diffRecordData(fields, { site: 'Old', tags: ['a'], depth: 3 }, { depth: 4, tags: ['a'], item: true });
    expect(changes).to.deep.equal([
      { path: 'depth', label: 'Depth', kind: 'changed', before: 3, after: 4 },
      { path: 'site', label: 'Site', kind: 'removed', before: 'Old', after: undefined },
      { path: 'item', label: 'Item', kind: 'added', before: undefined, after: true },
    ]);
  });

  it('diffRecordData() compares lists and objects by their content', () => {
    const changes = diffRecordData(fields, { tags: ['a'], where: { lat: 1, lon: 2 } }, { tags: ['a', 'b'], where: { lat: 1, lon: 2.5 } });
    expect(changes.map((change) => [change.path, change.kind])).to.deep.equal([['tags', 'changed'], ['where', 'changed']]);
    expect(diffRecordData(fields, { tags: ['a', 'b'] }, { tags: ['b', 'a'] })).to.have.length(1);
  });

  it('diffRecordData() treats a score of null as an answer and null elsewhere as no value', () => {
    expect(diffRecordData(fields, { item: true }, { item: null })).to.deep.equal([{ path: 'item', label: 'Item', kind: 'changed', before: true, after: null }]);
    expect(diffRecordData(fields, {}, { item: null })).to.deep.equal([{ path: 'item', label: 'Item', kind: 'added', before: undefined, after: null }]);
    expect(diffRecordData(fields, { site: null }, {})).to.deep.equal([]);
  });

  it('diffRecordData() compares group rows by position, with paths and labels of the row', () => {
    const before = { rows: [{ note: 'a', ok: true }, { note: 'b' }] };
    const after = { rows: [{ note: 'a', ok: false }, {}, { note: 'c', ok: true }] };
    expect(diffRecordData(fields, before, after)).to.deep.equal([
      { path: 'rows[0].ok', label: 'Rows › 1 › OK', kind: 'changed', before: true, after: false },
      { path: 'rows[1].note', label: 'Rows › 2 › Note', kind: 'removed', before: 'b', after: undefined },
      { path: 'rows[2].note', label: 'Rows › 3 › Note', kind: 'added', before: undefined, after: 'c' },
      { path: 'rows[2].ok', label: 'Rows › 3 › OK', kind: 'added', before: undefined, after: true },
    ]);
  });

  it('diffRecordData() reports the fields of removed rows as removed', () => {
    expect(diffRecordData(fields, { rows: [{ note: 'a' }, { note: 'b' }] }, { rows: [{ note: 'a' }] }))
      .to.deep.equal([{ path: 'rows[1].note', label: 'Rows › 2 › Note', kind: 'removed', before: 'b', after: undefined }]);
    expect(diffRecordData(fields, { rows: [{ note: 'a' }] }, {}))
      .to.deep.equal([{ path: 'rows[0].note', label: 'Rows › 1 › Note', kind: 'removed', before: 'a', after: undefined }]);
  });

  it('diffRecordData() ignores keys that are not fields of the template and inherited ones', () => {
    expect(diffRecordData(fields, { gone: 1 }, { gone: 2, extra: 3 })).to.deep.equal([]);
    const odd: TemplateField[] = [{ key: 'constructor', type: 'text', label: 'C' }];
    expect(diffRecordData(odd, {}, {})).to.deep.equal([]);
    expect(diffRecordData(odd, {}, { constructor: 'x' })).to.deep.equal([{ path: 'constructor', label: 'C', kind: 'added', before: undefined, after: 'x' }]);
  });
});
