import { expect } from 'chai';
import { Buffer } from 'node:buffer';
import { validateRecordData } from '../../plugins/records/services/record-data.ts';
import { fieldsOf, tinyPngBase64 as tinyPng } from '../helpers/record-templates.ts';

const complete = { requireComplete: true };
const draft = { requireComplete: false };

/** The one error a single value gets (or null when it passes), as field `value`. */
function errorOf(field: Record<string, unknown>, value: unknown): string | null {
  const result = validateRecordData(fieldsOf({ key: 'value', label: 'Value', ...field }), { value }, draft);
  return result.ok ? null : result.errors.value ?? JSON.stringify(result.errors);
}

/** The normalised form of a single value. */
function normalised(field: Record<string, unknown>, value: unknown): unknown {
  const result = validateRecordData(fieldsOf({ key: 'value', label: 'Value', ...field }), { value }, draft);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to pass: ${JSON.stringify(result.errors)}`);
  return result.data.value;
}

describe('validateRecordData() value types', () => {
  it('validateRecordData() refuses text that is not a string or too long', () => {
    expect(errorOf({ type: 'text' }, 5)).to.equal('must be text');
    expect(errorOf({ type: 'text' }, 'x'.repeat(1000))).to.equal(null);
    expect(errorOf({ type: 'text' }, ` ${'x'.repeat(1000)} `)).to.equal(null);
    expect(errorOf({ type: 'text' }, 'x'.repeat(1001))).to.equal('must be at most 1000 characters (this one has 1001)');
    expect(errorOf({ type: 'text' }, '🔑'.repeat(1000))).to.equal(null);
    expect(errorOf({ type: 'longtext' }, 'x'.repeat(20000))).to.equal(null);
    expect(errorOf({ type: 'longtext' }, 'x'.repeat(20001))).to.equal('must be at most 20000 characters (this one has 20001)');
    expect(errorOf({ type: 'longtext' }, ['x'])).to.equal('must be text');
  });

  it('validateRecordData() refuses a number that is not a number or is out of range', () => {
    const depth = { type: 'number', min: 0, max: 10 };
    expect(errorOf(depth, '5')).to.equal('must be a number');
    expect(errorOf(depth, Number.NaN)).to.equal('must be a number');
    expect(errorOf(depth, Infinity)).to.equal('must be a number');
    expect(errorOf(depth, -0.1)).to.equal('must be at least 0');
    expect(errorOf(depth, 10.5)).to.equal('must be at most 10');
    expect(normalised(depth, 0)).to.equal(0);
    expect(normalised(depth, 10)).to.equal(10);
    expect(normalised({ type: 'number' }, -1e9)).to.equal(-1e9);
  });

  it('validateRecordData() refuses a date that is not YYYY-MM-DD or not on the calendar', () => {
    const error = 'must be a date written as YYYY-MM-DD, such as 2024-05-31';
    for (const value of ['2023-02-29', '2024-04-31', '2024-13-01', '2024-1-1', '31.5.2024', '2024-05-31T00:00:00Z', 20240531]) {
      expect(errorOf({ type: 'date' }, value), String(value)).to.equal(error);
    }
    expect(normalised({ type: 'date' }, '2024-02-29')).to.equal('2024-02-29');
  });

  it('validateRecordData() normalises a date-time with a zone to UTC and refuses one without', () => {
    expect(normalised({ type: 'datetime' }, '2024-05-31T14:30+03:00')).to.equal('2024-05-31T11:30:00.000Z');
    expect(normalised({ type: 'datetime' }, '2024-05-31T14:30:15.123456Z')).to.equal('2024-05-31T14:30:15.123Z');
    expect(normalised({ type: 'datetime' }, '2024-01-01T01:00:00-0230')).to.equal('2024-01-01T03:30:00.000Z');
    expect(normalised({ type: 'datetime' }, '2024-01-01T00:30:00+01:00')).to.equal('2023-12-31T23:30:00.000Z');
    expect(normalised({ type: 'datetime' }, '0050-06-01T12:00:00Z')).to.equal('0050-06-01T12:00:00.000Z');
    for (const value of ['2024-05-31T14:30:00', '2024-05-31 14:30Z', '2024-02-30T10:00Z', '2024-05-31T24:00Z', '2024-05-31T10:60Z', '2024-05-31T10:00:60Z', 'yesterday', 0]) {
      expect(errorOf({ type: 'datetime' }, value), String(value)).to.equal('must be a date and time in ISO 8601 with a time zone, such as 2024-05-31T14:30:00Z');
    }
  });

  it('validateRecordData() refuses a choice that is not one of the options', () => {
    const choice = { type: 'choice', options: ['a', 'b'] };
    expect(errorOf(choice, 'c')).to.equal('must be one of: a, b');
    expect(errorOf(choice, 'A')).to.equal('must be one of: a, b');
    expect(errorOf(choice, ['a'])).to.equal('must be one of: a, b');
    expect(normalised(choice, 'b')).to.equal('b');
  });

  it('validateRecordData() refuses a multichoice that is not a list of distinct option values', () => {
    const multi = { type: 'multichoice', options: ['a', 'b', 'c'] };
    expect(errorOf(multi, 'a')).to.equal('must be a list of option values (some of: a, b, c)');
    expect(errorOf(multi, ['a', 'x'])).to.equal('holds "x", which is not one of: a, b, c');
    expect(errorOf(multi, ['a', 'b', 'a'])).to.equal('lists "a" twice');
    expect(normalised(multi, ['c', 'a'])).to.deep.equal(['c', 'a']);
    expect(errorOf(multi, ['x'.repeat(5000)])).to.equal(`holds "${'x'.repeat(38)}…, which is not one of: a, b, c`);
  });

  it('validateRecordData() refuses a checkbox or score of the wrong kind', () => {
    expect(errorOf({ type: 'checkbox' }, 'true')).to.equal('must be true or false');
    expect(errorOf({ type: 'checkbox' }, 1)).to.equal('must be true or false');
    expect(errorOf({ type: 'score' }, 'ok')).to.equal('must be true (in order), false (not in order) or null (not applicable)');
    expect(errorOf({ type: 'score' }, 0)).to.equal('must be true (in order), false (not in order) or null (not applicable)');
    expect(normalised({ type: 'score' }, true)).to.equal(true);
    expect(normalised({ type: 'score' }, null)).to.equal(null);
  });

  it('validateRecordData() refuses photos and files that are not a list of upload ids within the limit', () => {
    expect(errorOf({ type: 'photo' }, 'abc')).to.equal('must be a list of upload ids');
    expect(errorOf({ type: 'photo' }, ['ok_id-1', 'no/slash'])).to.equal('holds "no/slash", which is not an upload id');
    expect(errorOf({ type: 'photo' }, [12])).to.equal('holds 12, which is not an upload id');
    expect(errorOf({ type: 'file' }, ['x'.repeat(65)])).to.match(/which is not an upload id$/);
    expect(errorOf({ type: 'photo' }, ['a', 'a'])).to.equal('lists the upload "a" twice');
    expect(errorOf({ type: 'photo', max: 2 }, ['a', 'b', 'c'])).to.equal('may hold at most 2 files (this one has 3)');
    expect(errorOf({ type: 'file', multiple: false }, ['a', 'b'])).to.equal('may hold at most 1 file (this one has 2)');
    const twenty = Array.from({ length: 20 }, (_, index) => `u${index}`);
    expect(normalised({ type: 'photo' }, twenty)).to.deep.equal(twenty);
    expect(errorOf({ type: 'photo' }, [...twenty, 'u20'])).to.equal('may hold at most 20 files (this one has 21)');
  });

  it('validateRecordData() requires min photos only when the record must be complete', () => {
    const fields = fieldsOf({ key: 'photos', type: 'photo', label: 'Photos', min: 2 });
    expect(validateRecordData(fields, { photos: ['a'] }, draft).ok).to.equal(true);
    expect(validateRecordData(fields, { photos: ['a'] }, complete).errors).to.deep.equal({ photos: 'needs at least 2 files' });
    expect(validateRecordData(fields, {}, complete).errors).to.deep.equal({ photos: 'needs at least 2 files' });
    expect(validateRecordData(fields, { photos: ['a', 'b'] }, complete).ok).to.equal(true);
  });

  it('validateRecordData() accepts a location and refuses one out of range or with other properties', () => {
    expect(normalised({ type: 'location' }, { lat: 60.17, lon: 24.94, accuracy: 5, at: '2024-05-31T14:30+03:00' }))
      .to.deep.equal({ lat: 60.17, lon: 24.94, accuracy: 5, at: '2024-05-31T11:30:00.000Z' });
    expect(normalised({ type: 'location' }, { lat: -90, lon: 180 })).to.deep.equal({ lat: -90, lon: 180 });
    expect(errorOf({ type: 'location' }, [60, 24])).to.equal('must be a location: an object with lat and lon');
    expect(errorOf({ type: 'location' }, { lat: 91, lon: 0 })).to.equal('must have a latitude (lat) from -90 to 90');
    expect(errorOf({ type: 'location' }, { lat: '60', lon: 0 })).to.equal('must have a latitude (lat) from -90 to 90');
    expect(errorOf({ type: 'location' }, { lat: 0, lon: -180.5 })).to.equal('must have a longitude (lon) from -180 to 180');
    expect(errorOf({ type: 'location' }, { lat: 0 })).to.equal('must have a longitude (lon) from -180 to 180');
    expect(errorOf({ type: 'location' }, { lat: 0, lon: 0, accuracy: -1 })).to.equal('must have an accuracy in metres of 0 or more');
    expect(errorOf({ type: 'location' }, { lat: 0, lon: 0, at: 'now' })).to.equal('must have its time (at) in ISO 8601 with a time zone');
    expect(errorOf({ type: 'location' }, { lat: 0, lon: 0, alt: 3 })).to.equal('has "alt", which is not a location property (lat, lon, accuracy, at)');
  });
});

describe('validateRecordData() signatures', () => {
  const drawing = (base64: string) => ({ image: `data:image/png;base64,${base64}` });

  it('validateRecordData() accepts a PNG drawn on the signature pad', () => {
    expect(normalised({ type: 'signature' }, drawing(tinyPng))).to.deep.equal(drawing(tinyPng));
  });

  it('validateRecordData() refuses a drawing that is not a PNG', () => {
    const error = 'must be a PNG image drawn on the signature pad';
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString('base64');
    expect(errorOf({ type: 'signature' }, drawing(jpeg))).to.equal(error);
    expect(errorOf({ type: 'signature' }, { image: `data:image/jpeg;base64,${tinyPng}` })).to.equal(error);
    expect(errorOf({ type: 'signature' }, { image: tinyPng })).to.equal(error);
    expect(errorOf({ type: 'signature' }, drawing('iVBORw0KGgo'))).to.equal(error);
    expect(errorOf({ type: 'signature' }, drawing(`${tinyPng.slice(0, 20)}!${tinyPng.slice(21)}`))).to.equal(error);
    expect(errorOf({ type: 'signature' }, drawing(''))).to.equal(error);
    expect(errorOf({ type: 'signature' }, { image: 42 })).to.equal(error);
  });

  it('validateRecordData() accepts a drawing of 300 KiB and refuses a larger one', () => {
    const png = (bytes: number) => Buffer.concat([Buffer.from(tinyPng, 'base64'), Buffer.alloc(bytes - Buffer.from(tinyPng, 'base64').length)]).toString('base64');
    expect(errorOf({ type: 'signature' }, drawing(png(300 * 1024)))).to.equal(null);
    expect(errorOf({ type: 'signature' }, drawing(png(300 * 1024 + 1)))).to.equal('must be a PNG image drawn on the signature pad, at most 300 KiB (this one is 301 KiB)');
  });

  it('validateRecordData() accepts a stored signature and normalises its time', () => {
    expect(normalised({ type: 'signature' }, { signatureId: 'sig_1', signedBy: 'c6f1e0a2-1b2c-4d5e-8f90-1234567890ab', signedByName: ' Maija M ', signedAt: '2024-05-31T14:30+03:00' }))
      .to.deep.equal({ signatureId: 'sig_1', signedBy: 'c6f1e0a2-1b2c-4d5e-8f90-1234567890ab', signedByName: 'Maija M', signedAt: '2024-05-31T11:30:00.000Z' });
    expect(normalised({ type: 'signature' }, { signatureId: 'sig_1' })).to.deep.equal({ signatureId: 'sig_1' });
  });

  it('validateRecordData() refuses signatures with unknown keys, both forms at once or bad parts', () => {
    expect(errorOf({ type: 'signature' }, 'Maija')).to.equal('must be a signature: a new drawing { image } or a stored { signatureId }');
    expect(errorOf({ type: 'signature' }, { ...drawing(tinyPng), signatureId: 's' })).to.equal('must be either a new drawing (image) or a stored signature (signatureId), not both');
    expect(errorOf({ type: 'signature' }, { ...drawing(tinyPng), signedByName: 'M' })).to.equal('has "signedByName", which a new drawing does not take: send only its image');
    expect(errorOf({ type: 'signature' }, { signatureId: 's', stamp: 1 })).to.match(/^has "stamp", which is not a signature property/);
    expect(errorOf({ type: 'signature' }, { signedBy: 'u1' })).to.equal('must have the signatureId of a stored signature, or an image for a new drawing');
    expect(errorOf({ type: 'signature' }, { signatureId: 'a/b' })).to.equal('must have the signatureId of a stored signature, or an image for a new drawing');
    expect(errorOf({ type: 'signature' }, { signatureId: 's', signedBy: 5 })).to.equal('must have the user id of the signer in signedBy');
    expect(errorOf({ type: 'signature' }, { signatureId: 's', signedByName: ' ' })).to.match(/signedByName$/);
    expect(errorOf({ type: 'signature' }, { signatureId: 's', signedAt: '2024-05-31' })).to.match(/signedAt as an ISO 8601 time/);
  });
});
