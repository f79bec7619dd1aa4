// Record data formatted for reading: the record's page, its journal entries and the revision diff show
// each value as people say it (choices by label, scores in words, signatures as images).
import { visibleFields } from '../services/field-visibility.ts';
import type { RecordFile } from '../services/file-store.ts';
import { countOf, isPlainObject, ownValue } from '../services/plain-values.ts';
import type { TemplateField } from '../services/template-types.ts';
import { humanSize, placeOf, typeName } from './file-facts.ts';

/** One value for reading; `time` lets the view show dates with the theme's date format, `signature` an image. */
export interface ReadableValue {
  text: string;
  empty?: boolean;
  time?: { iso: string; style: 'date' | 'datetime' };
  signature?: { src: string; signedByName: string; signedAt: string };
  /** A photo or file field's files, when the page knows the record's files. */
  files?: ReadableFile[];
}

/** A file of a photo or file field for reading: a photo with its thumbnail, capture time and place; any file with its name, size, type and download. */
export interface ReadableFile {
  id: string;
  name: string;
  size: string;
  type: string;
  downloadHref: string;
  photo?: { thumbnailSrc: string; previewHref: string; alt: string; takenAt?: string; place?: { text: string; geo: string } };
  /** The field names a file the record no longer has (it was removed from the store). */
  missing?: boolean;
}

/** The record's files by id and where their routes are: what photo and file values are shown with. */
export interface ReadableFiles {
  byId: ReadonlyMap<string, RecordFile>;
  /** `/api/v1/t/<slug>/files/<id>` */
  href(fileId: string): string;
}

/** A line of a record's fields for reading: a heading, a value, or a group with its rows. */
export type ReadableItem =
  | { heading: string; help?: string }
  | { label: string; value: ReadableValue }
  | { label: string; group: true; rows: Array<{ number: number; items: ReadableItem[] }> };

/** How a signature image is reached: the record's signature route. */
export type SignatureSource = (signatureId: string) => string;

const scoreWords = new Map<unknown, string>([[true, 'In order'], [false, 'Not in order'], [null, 'Not applicable']]);
const nothing: ReadableValue = { text: 'Not filled in', empty: true };

/**
 * The fields shown for this data (showIf followed), each with its value for reading; groups row by row.
 * `filledOnly` leaves out the fields without a value (a journal entry says what it says, not what it does not).
 */
export function readableItems(fields: readonly TemplateField[], data: Record<string, unknown>, signatureSrc: SignatureSource, options: { filledOnly?: boolean; files?: ReadableFiles } = {}): ReadableItem[] {
  const items = visibleFields(fields, data).map((field): ReadableItem => {
    if (field.type === 'heading') return { heading: field.label, ...(field.help ? { help: field.help } : {}) };
    const value = ownValue(data, field.key);
    if (field.type === 'group' && Array.isArray(value) && value.length > 0) {
      return { label: field.label, group: true, rows: value.map((row: unknown, index) => ({ number: index + 1, items: readableItems(field.fields ?? [], isPlainObject(row) ? row : {}, signatureSrc, options) })) };
    }
    return { label: field.label, value: readableValue(field, value, signatureSrc, options.files) };
  });
  return options.filledOnly ? items.filter((item) => !('value' in item) || !item.value.empty) : items;
}

/** One value of a field for reading; absent values (and null, but for a score's "not applicable") read "Not filled in". */
export function readableValue(field: TemplateField, value: unknown, signatureSrc: SignatureSource, files?: ReadableFiles): ReadableValue {
  if (value === undefined || (value === null && field.type !== 'score')) return nothing;
  const label = (option: unknown): string => field.options?.find((choice) => choice.value === option)?.label ?? String(option);
  switch (field.type) {
    case 'number': return { text: `${String(value)}${field.unit ? ` ${field.unit}` : ''}` };
    case 'date': return { text: String(value), time: { iso: String(value), style: 'date' } };
    case 'datetime': return { text: String(value), time: { iso: String(value), style: 'datetime' } };
    case 'choice': return { text: label(value) };
    case 'multichoice': return { text: Array.isArray(value) ? value.map(label).join(', ') : String(value) };
    case 'checkbox': return { text: value === true ? 'Yes' : 'No' };
    case 'score': return { text: scoreWords.get(value) ?? String(value) };
    case 'location': return locationText(value);
    case 'signature': return signatureValue(value, signatureSrc);
    case 'photo': case 'file': {
      const text = Array.isArray(value) ? `${countOf(value.length, 'file')} attached` : String(value);
      return files && Array.isArray(value) ? { text, files: value.map((id) => readableFile(String(id), files)) } : { text };
    }
    case 'group': return Array.isArray(value) && value.length > 0 ? { text: countOf(value.length, 'row') } : nothing;
    default: return { text: String(value) };
  }
}

function readableFile(id: string, files: ReadableFiles): ReadableFile {
  const file = files.byId.get(id);
  const downloadHref = files.href(id);
  if (!file) return { id, name: 'A file that is no longer stored', size: '', type: '', downloadHref, missing: true };
  const readable: ReadableFile = { id, name: file.name, size: humanSize(file.size), type: typeName(file.mime), downloadHref };
  if (!file.mime.startsWith('image/')) return readable;
  const takenAt = file.takenAt === null ? undefined : new Date(file.takenAt).toISOString();
  const place = placeOf(file.latitude, file.longitude) ?? undefined;
  return { ...readable, photo: { thumbnailSrc: `${downloadHref}/thumbnail`, previewHref: `${downloadHref}/thumbnail?size=preview`, alt: `Photo ${file.name}`, ...(takenAt ? { takenAt } : {}), ...(place ? { place } : {}) } };
}

function locationText(value: unknown): ReadableValue {
  if (!isPlainObject(value) || typeof value.lat !== 'number' || typeof value.lon !== 'number') return { text: JSON.stringify(value) };
  const accuracy = typeof value.accuracy === 'number' ? ` (±${Math.round(value.accuracy)} m)` : '';
  return { text: `${value.lat.toFixed(6)}, ${value.lon.toFixed(6)}${accuracy}` };
}

function signatureValue(value: unknown, signatureSrc: SignatureSource): ReadableValue {
  if (!isPlainObject(value) || typeof value.signatureId !== 'string') return { text: 'Signed' };
  const signedByName = typeof value.signedByName === 'string' ? value.signedByName : 'someone';
  const signedAt = typeof value.signedAt === 'string' ? value.signedAt : '';
  return { text: `Signed by ${signedByName}`, signature: { src: signatureSrc(value.signatureId), signedByName, signedAt } };
}

/** The template field a data path names ('rows[1].note' -> the group's note field), or undefined. */
export function fieldAtPath(fields: readonly TemplateField[], path: string): TemplateField | undefined {
  let level: readonly TemplateField[] = fields;
  let found: TemplateField | undefined;
  for (const key of path.replace(/\[\d+\]/g, '').split('.')) {
    found = level.find((field) => field.key === key);
    if (!found) return undefined;
    level = found.fields ?? [];
  }
  return found;
}
