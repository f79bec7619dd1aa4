import { characterCount, countOf, isPlainObject, shown, storedIdPattern } from './plain-values.ts';
import { checkSignatureValue } from './signature-value.ts';
import { calendarDateOf, utcTimeOf } from './time-values.ts';
import type { TemplateField } from './template-types.ts';

/** The outcome of checking one field value: the normalised value (undefined when absent) or a problem. */
export type ValueCheck = { ok: true; value: unknown } | { ok: false; error: string };

/** How many files a photo or file field holds at most when its template does not say. */
export const defaultMaxFiles = 20;

const absent: ValueCheck = { ok: true, value: undefined };
const textLimits = { text: 1000, longtext: 20000 } as const;
const locationProperties = ['lat', 'lon', 'accuracy', 'at'];

/**
 * Checks and normalises one value of a field that is not a group (groups are checked row by row by
 * validateRecordData). Absent values (undefined, null, '', []) come back as undefined, except that
 * null is a real answer of a score field: not applicable.
 */
export function checkFieldValue(field: TemplateField, value: unknown): ValueCheck {
  if (field.type === 'heading') return value === undefined ? absent : { ok: false, error: 'is a heading and takes no value' };
  if (value === undefined) return absent;
  if (value === null) return field.type === 'score' ? { ok: true, value: null } : absent;
  switch (field.type) {
    case 'text': case 'longtext': return checkText(field.type, value);
    case 'number': return checkNumber(field, value);
    case 'date': return checkString(value, calendarDateOf, 'must be a date written as YYYY-MM-DD, such as 2024-05-31');
    case 'datetime': return checkString(value, utcTimeOf, 'must be a date and time in ISO 8601 with a time zone, such as 2024-05-31T14:30:00Z');
    case 'choice': return checkChoice(field, value);
    case 'multichoice': return checkMultichoice(field, value);
    case 'checkbox': return typeof value === 'boolean' ? { ok: true, value } : { ok: false, error: 'must be true or false' };
    case 'photo': case 'file': return checkUploads(field, value);
    case 'signature': return checkSignatureValue(value);
    case 'location': return checkLocation(value);
    case 'score': return typeof value === 'boolean' ? { ok: true, value } : { ok: false, error: 'must be true (in order), false (not in order) or null (not applicable)' };
    case 'group': throw new Error('A group\'s value is a list of rows, checked row by row by validateRecordData.');
  }
}

/** The most files a photo or file field may hold: one when multiple is false, else max (default 20). */
export function maxFilesOf(field: TemplateField): number {
  return field.multiple === false ? 1 : field.max ?? defaultMaxFiles;
}

/** The option values of a choice or multichoice field, for messages: "a, b, c". */
export function optionList(field: TemplateField): string {
  return (field.options ?? []).map((option) => option.value).join(', ');
}

function checkText(type: 'text' | 'longtext', value: unknown): ValueCheck {
  if (typeof value !== 'string') return { ok: false, error: 'must be text' };
  // Browsers send a textarea's line breaks as CRLF; storing one kind keeps diffs and reports clean.
  const text = (type === 'longtext' ? value.replace(/\r\n?/g, '\n') : value).trim();
  if (text === '') return absent;
  const length = characterCount(text);
  if (length > textLimits[type]) return { ok: false, error: `must be at most ${textLimits[type]} characters (this one has ${length})` };
  return { ok: true, value: text };
}

function checkNumber(field: TemplateField, value: unknown): ValueCheck {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, error: 'must be a number' };
  if (field.min !== undefined && value < field.min) return { ok: false, error: `must be at least ${field.min}` };
  if (field.max !== undefined && value > field.max) return { ok: false, error: `must be at most ${field.max}` };
  return { ok: true, value };
}

function checkString(value: unknown, normalise: (text: string) => string | null, error: string): ValueCheck {
  if (value === '') return absent;
  const normal = typeof value === 'string' ? normalise(value) : null;
  return normal === null ? { ok: false, error } : { ok: true, value: normal };
}

function checkChoice(field: TemplateField, value: unknown): ValueCheck {
  if (value === '') return absent;
  const known = field.options?.some((option) => option.value === value) ?? false;
  return known ? { ok: true, value } : { ok: false, error: `must be one of: ${optionList(field)}` };
}

function checkMultichoice(field: TemplateField, value: unknown): ValueCheck {
  if (!Array.isArray(value)) return { ok: false, error: `must be a list of option values (some of: ${optionList(field)})` };
  if (value.length === 0) return absent;
  const seen = new Set<unknown>();
  for (const item of value) {
    if (!field.options?.some((option) => option.value === item)) return { ok: false, error: `holds ${shown(item)}, which is not one of: ${optionList(field)}` };
    if (seen.has(item)) return { ok: false, error: `lists ${shown(item)} twice` };
    seen.add(item);
  }
  return { ok: true, value: [...value] };
}

function checkUploads(field: TemplateField, value: unknown): ValueCheck {
  if (!Array.isArray(value)) return { ok: false, error: 'must be a list of upload ids' };
  if (value.length === 0) return absent;
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || !storedIdPattern.test(item)) return { ok: false, error: `holds ${shown(item)}, which is not an upload id` };
    if (seen.has(item)) return { ok: false, error: `lists the upload ${shown(item)} twice` };
    seen.add(item);
  }
  const most = maxFilesOf(field);
  if (value.length > most) return { ok: false, error: `may hold at most ${countOf(most, 'file')} (this one has ${value.length})` };
  return { ok: true, value: [...value] };
}

function checkLocation(value: unknown): ValueCheck {
  if (!isPlainObject(value)) return { ok: false, error: 'must be a location: an object with lat and lon' };
  const extra = Object.keys(value).find((key) => !locationProperties.includes(key));
  if (extra !== undefined) return { ok: false, error: `has ${shown(extra)}, which is not a location property (lat, lon, accuracy, at)` };
  const { lat, lon, accuracy, at } = value;
  if (!inRange(lat, -90, 90)) return { ok: false, error: 'must have a latitude (lat) from -90 to 90' };
  if (!inRange(lon, -180, 180)) return { ok: false, error: 'must have a longitude (lon) from -180 to 180' };
  const location: Record<string, unknown> = { lat, lon };
  if (accuracy !== undefined && accuracy !== null) {
    if (!inRange(accuracy, 0, Infinity)) return { ok: false, error: 'must have an accuracy in metres of 0 or more' };
    location.accuracy = accuracy;
  }
  if (at !== undefined && at !== null) {
    const time = utcTimeOf(at);
    if (time === null) return { ok: false, error: 'must have its time (at) in ISO 8601 with a time zone' };
    location.at = time;
  }
  return { ok: true, value: location };
}

function inRange(value: unknown, low: number, high: number): value is number {
  return typeof value === 'number' && !Number.isNaN(value) && value >= low && value <= high;
}
