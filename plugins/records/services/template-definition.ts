// A records template as a manager writes it (API.md, templates): checked completely, so that every
// problem can be shown at once, and returned normalised (trimmed texts, options as objects, no empty keys).
import { isPlainObject, setOwn } from './plain-values.ts';
import { parseFieldList } from './template-fields.ts';
import { parseTemplateText } from './template-text.ts';
import { templateKinds, type FieldErrors, type TemplateDefinition, type TemplateField, type TemplateKind } from './template-types.ts';

export { fieldTypes, templateKinds } from './template-types.ts';
export type { FieldType, TemplateKind, FieldOption, TemplateField, TemplateDefinition, FieldErrors } from './template-types.ts';

/** The most fields a template's list may hold, the fields inside its groups included. */
export const maxTemplateFields = 200;

const definitionProperties = ['name', 'description', 'kind', 'fields', 'entryFields'];

/** Checks and normalises a template definition, reporting every problem by its path ('fields[3].type'). */
export function parseTemplateDefinition(input: unknown): { ok: true; definition: TemplateDefinition } | { ok: false; errors: FieldErrors } {
  if (!isPlainObject(input)) return { ok: false, errors: { template: 'must be an object with name, kind and fields' } };
  const errors: FieldErrors = {};
  for (const key of Object.keys(input)) if (!definitionProperties.includes(key)) setOwn(errors, key, 'is not a template property');
  const name = parseTemplateText(input.name, 'name', errors, { max: 200, required: true, oneLine: true });
  const description = parseTemplateText(input.description, 'description', errors, { max: 2000 });
  const kind = parseKind(input.kind, errors);
  const fields = parseCountedList(input.fields, 'fields', errors);
  let entryFields: TemplateField[] | undefined;
  if (input.entryFields !== undefined) {
    if (kind === 'journal') entryFields = parseCountedList(input.entryFields, 'entryFields', errors);
    else if (kind) errors.entryFields = `is only for journal templates: the fields of each diary entry (this is a ${kind} template)`;
  }
  if (kind === 'measurement' && Array.isArray(input.fields) && !Object.hasOwn(errors, 'fields') && !holdsScore(input.fields)) {
    errors.fields = 'must hold at least one score field in a measurement template: the items observed as in order or not';
  }
  if (Object.keys(errors).length > 0 || name === undefined || kind === undefined) return { ok: false, errors };
  const definition: TemplateDefinition = { name, ...(description === undefined ? {} : { description }), kind, fields };
  if (entryFields) definition.entryFields = entryFields;
  return { ok: true, definition };
}

/**
 * The field at a path of keys: ['site'] or, inside a group, ['findings', 'severity']. Row numbers in
 * the path (['findings', '2', 'severity']) are skipped, so a data path's parts can be passed as they are.
 */
export function fieldAt(definition: { fields: readonly TemplateField[] }, path: readonly string[]): TemplateField | undefined {
  let level: readonly TemplateField[] = definition.fields;
  let found: TemplateField | undefined;
  for (const key of path) {
    if (/^\d+$/.test(key) && found?.type === 'group') continue;
    found = level.find((field) => field.key === key);
    if (!found) return undefined;
    level = found.fields ?? [];
  }
  return found;
}

function parseKind(value: unknown, errors: FieldErrors): TemplateKind | undefined {
  if (value === undefined) errors.kind = `is required: one of ${templateKinds.join(', ')}`;
  else if (!(templateKinds as readonly unknown[]).includes(value)) errors.kind = `must be one of: ${templateKinds.join(', ')}`;
  else return value as TemplateKind;
  return undefined;
}

// The count comes from the input, before any field is parsed, so that a template of thousands of fields
// is refused with one sentence rather than thousands.
function parseCountedList(value: unknown, path: string, errors: FieldErrors): TemplateField[] {
  const count = rawFieldCount(value);
  if (count <= maxTemplateFields) return parseFieldList(value, path, errors);
  errors[path] = `must hold at most ${maxTemplateFields} fields in all, those inside groups included (this one has ${count})`;
  return [];
}

function rawFieldCount(value: unknown): number {
  return Array.isArray(value) ? value.reduce((count: number, item: unknown) => count + 1 + (isPlainObject(item) ? rawFieldCount(item.fields) : 0), 0) : 0;
}

// Read from the input too, so that a score field with some other problem still counts as one.
function holdsScore(fields: readonly unknown[]): boolean {
  return fields.some((field) => isPlainObject(field) && (field.type === 'score' || (Array.isArray(field.fields) && holdsScore(field.fields))));
}
