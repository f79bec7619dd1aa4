// A field card's form: what a designer typed becomes the field's properties (kept even when they break a
// rule, for the parser to name the problem beside the control), and a field's properties become the
// form's texts again.
import { formValue } from '../../../core/plugin-api.ts';
import { fieldTypes, type FieldType } from '../services/template-definition.ts';
import { propertyTypes } from '../services/template-fields.ts';
import type { DraftField } from './draft-fields.ts';

/** How a field type is called on the page, for the type selects and the cards. */
export const fieldTypeLabels: Readonly<Record<FieldType, string>> = {
  heading: 'Heading', text: 'Short text', longtext: 'Long text', number: 'Number', date: 'Date', datetime: 'Date and time',
  choice: 'Choice (pick one)', multichoice: 'Choice (pick several)', checkbox: 'Checkbox', photo: 'Photos', file: 'Files',
  signature: 'Signature', location: 'Location', score: 'Score item (in order or not)', group: 'Repeating group',
};

/** How a field's default is edited: a text box, a number, a date, a list of lines, a select, or not at all. */
export type DefaultEditor = 'text' | 'number' | 'date' | 'lines' | 'choice' | 'checkbox' | 'score' | null;

const defaultEditors: Partial<Record<FieldType, DefaultEditor>> = {
  text: 'text', longtext: 'text', datetime: 'text', number: 'number', date: 'date', choice: 'choice', multichoice: 'lines', checkbox: 'checkbox', score: 'score',
};

// Properties whose meaning depends on the type: on a change of type they are kept only where they still
// apply, and a default (a value of the old type) is dropped.
const typeProperties = ['options', 'min', 'max', 'unit', 'multiple', 'accept'];

/** Whether a property applies to fields of a type. */
export function applies(property: string, type: unknown): boolean {
  return (propertyTypes[property] ?? []).includes(type as FieldType);
}

/** Whether a text names a field type, and one allowed at this level (groups do not nest). */
export function isFieldType(text: unknown, insideGroup: boolean): text is FieldType {
  return (fieldTypes as readonly unknown[]).includes(text) && !(insideGroup && text === 'group');
}

/** The default's editor of a type. */
export function defaultEditorOf(type: unknown): DefaultEditor {
  return defaultEditors[type as FieldType] ?? null;
}

/** A new field of a type, as "Add field" makes it. */
export function newField(key: string, type: FieldType, label: string): DraftField {
  return type === 'group' ? { key, type, label, fields: [] } : { key, type, label };
}

/**
 * The field a card's form describes. `siblings` are the fields of its level (a showIf value is read as
 * the type of the field it follows). On a change of type, the old type's own controls are not read:
 * the card is shown again with the new type's.
 */
export function fieldFromForm(body: unknown, previous: DraftField, siblings: readonly DraftField[], insideGroup: boolean): DraftField {
  const typed = formValue(body, 'type');
  // A group that holds fields stays one: another type would drop them with no way back but discarding.
  const type = isFieldType(typed, insideGroup) && !holdsFields(previous) ? typed : previous.type;
  const sameType = type === previous.type;
  const text = (name: string): string | undefined => blankless(formValue(body, name));
  const field: DraftField = { key: text('key'), type, label: text('label') };
  if (applies('required', type) && formValue(body, 'required') === 'true') field.required = true;
  field.help = blankless(formValue(body, 'help').replace(/\r\n?/g, '\n'));
  if (sameType) {
    field.default = defaultEditorOf(type) ? defaultFromForm(type, formValue(body, 'default')) : previous.default;
    if (applies('options', type)) field.options = optionsFromLines(formValue(body, 'options'));
    if (applies('min', type)) field.min = numberOrText(formValue(body, 'min'));
    if (applies('max', type)) field.max = numberOrText(formValue(body, 'max'));
    if (applies('unit', type)) field.unit = text('unit');
    if (applies('multiple', type) && formValue(body, 'multiple') !== 'true') field.multiple = false;
    if (applies('accept', type)) field.accept = listOrNothing(formValue(body, 'accept').split(/[\s,]+/));
  } else {
    for (const property of typeProperties) if (applies(property, type)) field[property] = previous[property];
  }
  if (type === 'group') field.fields = Array.isArray(previous.fields) ? previous.fields : [];
  field.showIf = showIfFromForm(formValue(body, 'showIfField'), formValue(body, 'showIfEquals'), siblings);
  return ordered(field);
}

/** Whether a field is a group with fields in it (its type is then fixed). */
export function holdsFields(field: DraftField): boolean {
  return field.type === 'group' && Array.isArray(field.fields) && field.fields.length > 0;
}

/** The texts a card's form shows for a field. */
export function formValuesOf(field: DraftField): Record<string, string | boolean> {
  const showIf = (field.showIf ?? {}) as { field?: unknown; equals?: unknown };
  return {
    key: textOf(field.key), type: textOf(field.type), label: textOf(field.label), required: field.required === true, help: textOf(field.help),
    default: defaultText(field), options: optionLines(field.options), min: textOf(field.min), max: textOf(field.max), unit: textOf(field.unit),
    multiple: field.multiple !== false, accept: Array.isArray(field.accept) ? field.accept.join(', ') : '',
    showIfField: textOf(showIf.field), showIfEquals: equalsText(showIf.equals),
  };
}

/** A choice's options as the card's lines: "value|label", or the label alone when it is the value too. */
export function optionLines(options: unknown): string {
  if (!Array.isArray(options)) return '';
  return options.map((option: unknown) => {
    if (typeof option === 'string') return option;
    const { value, label } = (option ?? {}) as { value?: unknown; label?: unknown };
    return label === undefined || label === value ? textOf(value) : `${textOf(value)}|${textOf(label)}`;
  }).join('\n');
}

function optionsFromLines(text: string): DraftField[] | undefined {
  const options = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
    const bar = line.indexOf('|');
    if (bar === -1) return { value: line, label: line };
    const value = line.slice(0, bar).trim();
    const label = line.slice(bar + 1).trim();
    return label ? { value, label } : { value };
  });
  return options.length > 0 ? options : undefined;
}

function defaultFromForm(type: unknown, text: string): unknown {
  switch (defaultEditorOf(type)) {
    case 'number': return numberOrText(text);
    case 'lines': return listOrNothing(text.split(/\r?\n/));
    case 'checkbox': return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'score': return text === 'true' ? true : text === 'false' ? false : text === 'na' ? null : undefined;
    default: return blankless(text);
  }
}

function defaultText(field: DraftField): string {
  const value = field.default;
  if (defaultEditorOf(field.type) === 'score' && value === null) return 'na';
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  return textOf(value);
}

// A showIf's value is typed like the field it follows: a checkbox's yes or no, a number's number.
function showIfFromForm(key: string, equals: string, siblings: readonly DraftField[]): DraftField['showIf'] {
  if (key === '') return undefined;
  const controller = siblings.find((sibling) => sibling.key === key);
  const text = equals.trim();
  let value: unknown = text === '' ? undefined : text;
  if (controller?.type === 'checkbox' && /^(yes|true|checked)$/i.test(text)) value = true;
  if (controller?.type === 'checkbox' && /^(no|false|unchecked)$/i.test(text)) value = false;
  if (controller?.type === 'number') value = numberOrText(text);
  return value === undefined ? { field: key } : { field: key, equals: value };
}

function equalsText(value: unknown): string {
  return value === true ? 'yes' : value === false ? 'no' : textOf(value);
}

// A number written with a comma is a number too ("2,5"); anything else stays text for the parser to refuse.
function numberOrText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed.replace(',', '.'));
  return Number.isFinite(number) ? number : trimmed;
}

function listOrNothing(items: readonly string[]): string[] | undefined {
  const list = items.map((item) => item.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

function blankless(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

function textOf(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

const propertyOrder = ['key', 'type', 'label', 'required', 'help', 'default', 'options', 'min', 'max', 'unit', 'fields', 'showIf', 'multiple', 'accept'];

// The parser's property order and no undefined properties, like a stored version, so that a draft
// that ends up as the current version again is seen to be unchanged.
function ordered(field: DraftField): DraftField {
  return Object.fromEntries(propertyOrder.filter((property) => field[property] !== undefined).map((property) => [property, field[property]]));
}
