// What a field card says about a field without its form: the designer's closed cards and the read-only
// view of a published version show the same facts.
import { fieldTypeLabels, optionLines } from './field-form.ts';
import type { DraftField } from './draft-fields.ts';

/** One line of a card's description list. */
export interface FieldFact {
  term: string;
  text: string;
}

/** A read-only card of a field, with its group's fields. */
export interface FieldSummary {
  position: number;
  label: string;
  key: string;
  typeLabel: string;
  required: boolean;
  facts: FieldFact[];
  fields: FieldSummary[];
}

const shownText = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** The label a card shows as its title, saying so when it has none yet. */
export function labelOf(field: DraftField): string {
  return typeof field.label === 'string' && field.label.trim() !== '' ? field.label : '(no label yet)';
}

/** The type's name on the page ("Short text"), or what the field says when it is no known type. */
export function typeLabelOf(type: unknown): string {
  return Object.hasOwn(fieldTypeLabels, shownText(type)) ? fieldTypeLabels[type as keyof typeof fieldTypeLabels] : shownText(type);
}

/** The facts of a field besides its label, type and whether it is required, in the order the designer's form has them. */
export function factsOf(field: DraftField, siblings: readonly DraftField[]): FieldFact[] {
  const facts: FieldFact[] = [];
  const add = (term: string, text: string): void => {
    if (text !== '') facts.push({ term, text });
  };
  add('Key', shownText(field.key));
  add('Help', shownText(field.help));
  add('Default', defaultOf(field));
  add('Options', optionLines(field.options).split('\n').map((line) => line.slice(line.indexOf('|') + 1)).join(', '));
  add(field.type === 'number' ? 'Range' : field.type === 'group' ? 'Rows' : 'Files', rangeOf(field));
  if (field.type === 'number' && field.min === undefined && field.max === undefined) add('Unit', shownText(field.unit));
  if (field.multiple === false) add('Files', 'One only');
  add('File types', Array.isArray(field.accept) ? field.accept.join(', ') : '');
  add('Shown when', showIfOf(field, siblings));
  return facts;
}

/** The read-only cards of a list of fields (a published version). */
export function summariesOf(fields: readonly DraftField[]): FieldSummary[] {
  return fields.map((field, index) => ({
    position: index + 1, label: labelOf(field), key: shownText(field.key), typeLabel: typeLabelOf(field.type), required: field.required === true, facts: factsOf(field, fields).filter((fact) => fact.term !== 'Key'),
    fields: Array.isArray(field.fields) ? summariesOf(field.fields as DraftField[]) : [],
  }));
}

function defaultOf(field: DraftField): string {
  const value = field.default;
  if (value === undefined) return '';
  if (field.type === 'checkbox') return value === true ? 'Checked' : 'Not checked';
  if (field.type === 'score') return value === true ? 'In order' : value === false ? 'Not in order' : 'Not applicable';
  if (Array.isArray(value)) return value.map(shownText).join(', ');
  return shownText(value);
}

function rangeOf(field: DraftField): string {
  const unit = field.type === 'number' && typeof field.unit === 'string' ? ` ${field.unit}` : '';
  const { min, max } = field;
  if (min === undefined && max === undefined) return '';
  if (min === undefined) return `at most ${shownText(max)}${unit}`;
  if (max === undefined) return `at least ${shownText(min)}${unit}`;
  return `${shownText(min)} to ${shownText(max)}${unit}`;
}

function showIfOf(field: DraftField, siblings: readonly DraftField[]): string {
  const showIf = field.showIf as { field?: unknown; equals?: unknown } | undefined;
  if (!showIf) return '';
  const controller = siblings.find((sibling) => sibling.key === showIf.field);
  const name = controller ? labelOf(controller) : shownText(showIf.field);
  const value = showIf.equals === true ? 'checked' : showIf.equals === false ? 'not checked' : `"${shownText(showIf.equals)}"`;
  return `${name} is ${value}`;
}
