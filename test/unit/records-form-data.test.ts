import { expect } from 'chai';
import { formTimeZoneOf, localInputOfUtc, utcOfLocalInput } from '../../plugins/records/pages/local-time.ts';
import { decimalOf, parseRecordForm } from '../../plugins/records/pages/record-form-data.ts';
import { formValuesOf } from '../../plugins/records/pages/record-form-values.ts';
import { validateRecordData } from '../../plugins/records/services/record-data.ts';
import { fieldsOf } from '../helpers/record-templates.ts';

const utc = formTimeZoneOf('', '');
const png = 'data:image/png;base64,iVBORw0KGgo=';

// The bodies below are shaped as koa-body's urlencoded parser (qs, allowDots) shapes `data.rows.1.note=...`.
describe('parseRecordForm()', () => {
  const fields = fieldsOf(
    { key: 'heading', type: 'heading', label: 'Heading' },
    { key: 'site', type: 'text', label: 'Site' },
    { key: 'depth', type: 'number', label: 'Depth', unit: 'm' },
    { key: 'ok', type: 'checkbox', label: 'OK' },
    { key: 'railings', type: 'score', label: 'Railings' },
    { key: 'stairs', type: 'score', label: 'Stairs' },
    { key: 'trades', type: 'multichoice', label: 'Trades', options: ['electric', 'plumbing'] },
    { key: 'weather', type: 'choice', label: 'Weather', options: ['sun', 'rain'] },
    { key: 'day', type: 'date', label: 'Day' },
  );

  it('parseRecordForm() types each control: decimal comma, checkbox, score true/false/na, multichoice lists; empty texts are absent', () => {
    const body = { _csrf: 'x', data: { site: 'Pasila', depth: '12,5', ok: 'true', railings: 'na', stairs: 'false', trades: ['electric', 'plumbing'], weather: '', day: '' } };
    const { data, values } = parseRecordForm(fields, body, { zone: utc });
    expect(data).to.deep.equal({ site: 'Pasila', depth: 12.5, ok: true, railings: null, stairs: false, trades: ['electric', 'plumbing'] });
    expect(validateRecordData(fields, data, { requireComplete: true }).ok).to.equal(true);
    expect([...values]).to.deep.equal([['data.site', ['Pasila']], ['data.depth', ['12,5']], ['data.ok', ['true']], ['data.railings', ['na']], ['data.stairs', ['false']], ['data.trades', ['electric', 'plumbing']]]);
  });

  it('parseRecordForm() reads an unchecked checkbox as false and passes text that is not a number on, for the template check to name', () => {
    const { data } = parseRecordForm(fields, { data: { depth: 'deep' } }, { zone: utc });
    expect(data).to.deep.equal({ depth: 'deep', ok: false });
    expect(validateRecordData(fields, data, { requireComplete: false }).errors).to.deep.equal({ depth: 'must be a number' });
  });

  it('parseRecordForm() leaves out group rows that are entirely empty and numbers the rest from 0, values and data alike', () => {
    const group = fieldsOf({ key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }, { key: 'done', type: 'checkbox', label: 'Done' }] });
    const body = { data: { rows: [{ note: '' }, { note: 'second' }, { note: ' ' }, { done: 'true' }] } };
    const { data, values } = parseRecordForm(group, body, { zone: utc });
    expect(data).to.deep.equal({ rows: [{ note: 'second', done: false }, { done: true }] });
    expect([...values]).to.deep.equal([['data.rows.0.note', ['second']], ['data.rows.1.done', ['true']]]);
    expect(parseRecordForm(group, { data: { rows: [{ note: '' }] } }, { zone: utc }).data).to.deep.equal({});
  });

  it('parseRecordForm() reads more than 20 rows or repeats, which the body parser turns into objects keyed by index, in index order', () => {
    const group = fieldsOf({ key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }] });
    const rows = Object.fromEntries(Array.from({ length: 25 }, (_, n) => [String(24 - n), { note: `n${24 - n}` }]));
    const { data } = parseRecordForm(group, { data: { rows } }, { zone: utc });
    expect((data.rows as Array<{ note: string }>).map((row) => row.note)).to.deep.equal(Array.from({ length: 25 }, (_, n) => `n${n}`));
    const many = fieldsOf({ key: 'm', type: 'multichoice', label: 'M', options: Array.from({ length: 30 }, (_, n) => `o${n}`) });
    const repeats = Object.fromEntries(Array.from({ length: 22 }, (_, n) => [String(n), `o${n}`]));
    expect((parseRecordForm(many, { data: { m: repeats } }, { zone: utc }).data.m as string[])).to.have.length(22);
  });

  it('parseRecordForm() takes a new drawing over the stored signature beside it, keeps the stored one when the pad is empty, and keeps photo ids', () => {
    const signed = fieldsOf({ key: 'sig', type: 'signature', label: 'Sig' }, { key: 'photos', type: 'photo', label: 'Photos' });
    expect(parseRecordForm(signed, { data: { sig: ['stored-id', png], photos: ['p1', 'p2'] } }, { zone: utc }).data).to.deep.equal({ sig: { image: png }, photos: ['p1', 'p2'] });
    expect(parseRecordForm(signed, { data: { sig: ['stored-id', ''] } }, { zone: utc }).data).to.deep.equal({ sig: { signatureId: 'stored-id' } });
    expect(parseRecordForm(signed, { data: { sig: '' } }, { zone: utc }).data).to.deep.equal({});
  });

  it('parseRecordForm() puts the files chosen with a save after the listed ones, leaves out those ticked for removal, and a single-file field takes a new one in place of its old', () => {
    const upload = fieldsOf(
      { key: 'photos', type: 'photo', label: 'Photos' }, { key: 'cover', type: 'photo', label: 'Cover', multiple: false },
      { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }, { key: 'picture', type: 'photo', label: 'Picture' }] },
    );
    const [kept, removed, oldCover, added, newCover, rowPhoto] = ['k1', 'r1', 'c1', 'n1', 'n2', 'n3'].map((id) => `${id}-0000-4000-8000-000000000000`);
    const body = { data: { photos: [kept, removed, added], cover: [oldCover, newCover], rows: [{ note: '' }, { picture: rowPhoto }] }, _removeFile: removed };
    const { data, values } = parseRecordForm(upload, body, { zone: utc, uploads: { chosen: new Set([added, newCover, rowPhoto]), removed: new Set([removed]) } });
    expect(data).to.deep.equal({ photos: [kept, added], cover: [newCover], rows: [{ picture: [rowPhoto] }] });
    // A form shown again lists what it listed (the removed one with its box ticked), never the files chosen: they were not kept.
    expect([...values]).to.deep.equal([['data.photos', [kept, removed]], ['data.cover', [oldCover]]]);
    const onlyRemoved = parseRecordForm(upload, { data: { photos: removed } }, { zone: utc, uploads: { chosen: new Set(), removed: new Set([removed]) } });
    expect(onlyRemoved.data).to.deep.equal({});
  });

  it('parseRecordForm() reads a location from its three inputs, keeping the capture time only while the coordinates stay the same', () => {
    const located = fieldsOf({ key: 'loc', type: 'location', label: 'Location' });
    const previous = { loc: { lat: 60.1708, lon: 24.9384, accuracy: 12, at: '2024-05-31T11:30:00.000Z' } };
    expect(parseRecordForm(located, { data: { loc: { lat: '60,1708', lon: '24.9384', accuracy: '8' } } }, { zone: utc, previous }).data).to.deep.equal({ loc: { lat: 60.1708, lon: 24.9384, accuracy: 8, at: '2024-05-31T11:30:00.000Z' } });
    expect(parseRecordForm(located, { data: { loc: { lat: '61', lon: '24.9384', accuracy: '' } } }, { zone: utc, previous }).data).to.deep.equal({ loc: { lat: 61, lon: 24.9384 } });
    expect(parseRecordForm(located, { data: { loc: { lat: '', lon: '', accuracy: '' } } }, { zone: utc, previous }).data).to.deep.equal({});
  });

  it('parseRecordForm() reads a datetime-local value in the browser\'s zone (daylight saving included), else its offset, else UTC', () => {
    const timed = fieldsOf({ key: 'at', type: 'datetime', label: 'At' });
    const at = (zone: ReturnType<typeof formTimeZoneOf>, text: string): unknown => parseRecordForm(timed, { data: { at: text } }, { zone }).data.at;
    const helsinki = formTimeZoneOf('Europe/Helsinki', '-180');
    expect(at(helsinki, '2024-01-15T10:00')).to.equal('2024-01-15T08:00:00.000Z');
    expect(at(helsinki, '2024-07-15T10:00')).to.equal('2024-07-15T07:00:00.000Z');
    expect(at(formTimeZoneOf('No/Such_Zone', '-120'), '2024-07-15T10:00')).to.equal('2024-07-15T08:00:00.000Z');
    expect(at(utc, '2024-07-15T10:00:30')).to.equal('2024-07-15T10:00:30.000Z');
    expect(at(utc, '2024-02-30T10:00')).to.equal('2024-02-30T10:00');
  });
});

describe('record form helpers', () => {
  it('decimalOf() accepts a decimal comma or point, spaces between thousands and a typographic minus, and returns other text as it is', () => {
    expect([decimalOf('12,5'), decimalOf('1 234.5'), decimalOf('\u22123'), decimalOf(',5'), decimalOf(''), decimalOf('1,2,3'), decimalOf('12 m')]).to.deep.equal([12.5, 1234.5, -3, 0.5, undefined, '1,2,3', '12 m']);
  });

  it('utcOfLocalInput() and localInputOfUtc() keep seconds and milliseconds only when a time has them, so an unchanged form saves the same time', () => {
    expect(localInputOfUtc('2024-05-31T11:30:00.000Z')).to.equal('2024-05-31T11:30');
    expect(localInputOfUtc('2024-05-31T11:30:05.250Z')).to.equal('2024-05-31T11:30:05.250');
    for (const iso of ['2024-05-31T11:30:00.000Z', '2024-05-31T11:30:05.250Z', '2024-05-31T00:00:00.000Z']) expect(utcOfLocalInput(localInputOfUtc(iso), formTimeZoneOf('', '0'))).to.equal(iso);
    expect(formTimeZoneOf('Europe/Helsinki', '99999')).to.deep.equal({ timeZone: 'Europe/Helsinki', offsetMinutes: 0 });
  });

  it('formValuesOf() gives the controls\' texts for stored data, so that a stored record parses back to itself', () => {
    const fields = fieldsOf(
      { key: 'site', type: 'text', label: 'Site' }, { key: 'depth', type: 'number', label: 'Depth' }, { key: 'ok', type: 'checkbox', label: 'OK' },
      { key: 'score', type: 'score', label: 'Score' }, { key: 'm', type: 'multichoice', label: 'M', options: ['a', 'b'] }, { key: 'loc', type: 'location', label: 'Loc' },
      { key: 'rows', type: 'group', label: 'Rows', fields: [{ key: 'note', type: 'text', label: 'Note' }] },
    );
    const data = { site: 'Pasila', depth: 2.5, ok: true, score: null, m: ['b'], loc: { lat: 60.1, lon: 24.9 }, rows: [{ note: 'one' }, { note: 'two' }] };
    const values = formValuesOf(fields, data);
    expect(values.get('data.rows.1.note')).to.deep.equal(['two']);
    // What the browser would send back for these values, shaped as the body parser shapes it.
    const body = { data: { site: 'Pasila', depth: '2.5', ok: 'true', score: 'na', m: 'b', loc: { lat: '60.1', lon: '24.9' }, rows: [{ note: 'one' }, { note: 'two' }] } };
    expect([...values].map(([name]) => name)).to.deep.equal(['data.site', 'data.depth', 'data.ok', 'data.score', 'data.m', 'data.loc.lat', 'data.loc.lon', 'data.rows.0.note', 'data.rows.1.note']);
    expect(parseRecordForm(fields, body, { zone: utc }).data).to.deep.equal(data);
  });
});
