// The record form as the server reads it: the submitted controls (`data.<key>`, group rows
// `data.<group>.<i>.<key>`) turned into the template's typed data, which validateRecordData then checks.
// What cannot be read as its type (a number written "abc") is passed on as typed, so that the template's
// own check names the problem beside the field.
import { maxFilesOf } from '../services/field-value.ts';
import { isPlainObject, ownValue } from '../services/plain-values.ts';
import type { TemplateField } from '../services/template-types.ts';
import { utcOfLocalInput, type FormTimeZone } from './local-time.ts';

/** A form's controls by name, each with the texts it holds, in order (several for checkboxes and repeats). */
export type FormValues = Map<string, string[]>;

/** The typed data of a submitted record form, and its controls' values as typed (empty group rows left out, the rest renumbered). */
export interface ParsedRecordForm {
  data: Record<string, unknown>;
  values: FormValues;
}

const scoreAnswers: Record<string, boolean | null> = { true: true, false: false, na: null };
const decimalShape = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

/**
 * What a save does to the files of photo and file fields: the ids of the files chosen with it (stored
 * while the form arrived, and thrown away when the save is refused) and of those ticked for removal.
 */
export interface FormUploads {
  chosen: ReadonlySet<string>;
  removed: ReadonlySet<string>;
}

const noUploads: FormUploads = { chosen: new Set(), removed: new Set() };

/**
 * Reads the record form's data from a parsed form body: qs with allowDots (koa-body's parser, and the
 * streamed form reader's) has already nested `data.rows.1.note` into objects and lists, and turns more than
 * 20 repeats or rows into an object keyed by index: both shapes are read in index order. `previous` is the
 * record's data before this save (a location keeps its capture time while its coordinates stay the same).
 * A photo or file field holds its listed files less those removed, and the files chosen for it (which
 * replace the one a single-file field held); its control's values keep the listed ones only, removed
 * included, so that a refused form lists them again.
 */
export function parseRecordForm(fields: readonly TemplateField[], body: unknown, options: { zone: FormTimeZone; previous?: Record<string, unknown>; uploads?: FormUploads }): ParsedRecordForm {
  const root = isPlainObject(body) ? ownValue(body, 'data') : undefined;
  const values: FormValues = new Map();
  const data = parseLevel(fields, isPlainObject(root) ? root : {}, 'data', { zone: options.zone, previous: options.previous ?? {}, values, uploads: options.uploads ?? noUploads });
  return { data, values };
}

interface Level { zone: FormTimeZone; previous: Record<string, unknown>; values: FormValues; uploads: FormUploads }

function parseLevel(fields: readonly TemplateField[], input: Record<string, unknown>, prefix: string, level: Level): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.type === 'heading') continue;
    const name = `${prefix}.${field.key}`;
    const raw = ownValue(input, field.key);
    const previous = ownValue(level.previous, field.key);
    const value = field.type === 'group' ? parseRows(field, raw, name, previous, level) : parseValue(field, raw, name, previous, level);
    if (value !== undefined) data[field.key] = value;
  }
  return data;
}

function parseRows(field: TemplateField, raw: unknown, name: string, previous: unknown, level: Level): Record<string, unknown>[] | undefined {
  const columns = field.fields ?? [];
  const previousRows = Array.isArray(previous) ? previous : [];
  const rows: Record<string, unknown>[] = [];
  for (const row of inIndexOrder(raw).filter(isPlainObject)) {
    const rowValues: FormValues = new Map();
    const prior = previousRows[rows.length];
    const parsed = parseLevel(columns, row, `${name}.${rows.length}`, { ...level, previous: isPlainObject(prior) ? prior : {}, values: rowValues });
    // The blank row the form always offers, and rows someone emptied, are not rows.
    if (isEmptyRow(columns, parsed)) continue;
    for (const [control, texts] of rowValues) level.values.set(control, texts);
    rows.push(parsed);
  }
  return rows.length > 0 ? rows : undefined;
}

function isEmptyRow(columns: readonly TemplateField[], row: Record<string, unknown>): boolean {
  return columns.every((column) => {
    const value = ownValue(row, column.key);
    return value === undefined || (column.type === 'checkbox' && value === false);
  });
}

function parseValue(field: TemplateField, raw: unknown, name: string, previous: unknown, level: Level): unknown {
  if (field.type === 'location') return parseLocation(raw, name, previous, level.values);
  if (field.type === 'photo' || field.type === 'file') return parseUploads(field, textsOf(raw), name, level);
  const texts = textsOf(raw);
  const given = texts.filter((text) => text !== '');
  if (given.length > 0) level.values.set(name, field.type === 'multichoice' || field.type === 'signature' ? given : given.slice(0, 1));
  const first = given[0];
  switch (field.type) {
    case 'multichoice': return given.length > 0 ? given : undefined;
    case 'checkbox': return given.includes('true');
    case 'signature': return signatureOf(given);
    case 'number': return first === undefined ? undefined : decimalOf(first);
    case 'score': return first === undefined ? undefined : Object.hasOwn(scoreAnswers, first) ? scoreAnswers[first] : first;
    case 'datetime': return first === undefined || first.trim() === '' ? undefined : utcOfLocalInput(first.trim(), level.zone) ?? first;
    case 'text': case 'longtext': case 'date': return first === undefined || first.trim() === '' ? undefined : first;
    default: return first;
  }
}

function parseUploads(field: TemplateField, texts: string[], name: string, level: Level): string[] | undefined {
  const { chosen, removed } = level.uploads;
  const listed = texts.filter((text) => text !== '' && !chosen.has(text));
  const added = texts.filter((text) => chosen.has(text));
  if (listed.length > 0) level.values.set(name, listed);
  // A single-file field takes the newly chosen file in place of the one it held.
  const kept = added.length > 0 && maxFilesOf(field) === 1 ? [] : listed.filter((id) => !removed.has(id));
  const held = [...kept, ...added];
  return held.length > 0 ? held : undefined;
}

/** The pad's new drawing (a data URL) wins over the signature already stored (its id, in the hidden input beside the pad). */
function signatureOf(texts: string[]): unknown {
  const drawing = texts.find((text) => text.startsWith('data:'));
  if (drawing !== undefined) return { image: drawing };
  const stored = texts[0];
  return stored === undefined ? undefined : { signatureId: stored };
}

function parseLocation(raw: unknown, name: string, previous: unknown, values: FormValues): unknown {
  const parts = isPlainObject(raw) ? raw : {};
  const [lat, lon, accuracy] = (['lat', 'lon', 'accuracy'] as const).map((part) => {
    const text = textsOf(ownValue(parts, part))[0] ?? '';
    if (text !== '') values.set(`${name}.${part}`, [text]);
    return decimalOf(text);
  });
  if (lat === undefined && lon === undefined && accuracy === undefined) return undefined;
  const location: Record<string, unknown> = { lat, lon };
  if (accuracy !== undefined) location.accuracy = accuracy;
  // The capture time belongs to the coordinates: it stays only while they do.
  if (isPlainObject(previous) && previous.lat === lat && previous.lon === lon && previous.at !== undefined) location.at = previous.at;
  return location;
}

/** A number as people type it: a decimal comma or point, spaces between thousands, a typographic minus. Not a number: the text itself. */
export function decimalOf(text: string): number | string | undefined {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(/\u2212/g, '-');
  if (compact === '') return undefined;
  return decimalShape.test(compact) ? Number(compact.replace(',', '.')) : text;
}

/** The texts of one control in a parsed body: one, a list of repeats, or (beyond 20 repeats) an object keyed by index. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return inIndexOrder(value).filter((item): item is string => typeof item === 'string');
}

function inIndexOrder(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isPlainObject(value)) return [];
  return Object.keys(value).filter((key) => /^\d+$/.test(key)).sort((a, b) => Number(a) - Number(b)).map((key) => value[key]);
}
