// A record's data checked against its template version (API.md: records, 422 with the failing keys).
// Every problem is collected by its data path ('depth', 'findings[1].note'), so that a form can show all
// of them beside their fields at once.
import { checkFieldValue } from './field-value.ts';
import { visibleFields } from './field-visibility.ts';
import { countOf, isPlainObject, ownValue, setOwn } from './plain-values.ts';
import type { FieldErrors, TemplateField } from './template-types.ts';

export interface RecordDataResult {
  ok: boolean;
  /** The normalised data: trimmed texts, UTC times, absent values left out. */
  data: Record<string, unknown>;
  /** By data path: 'depth', 'rows[1].note'. */
  errors: FieldErrors;
}

/**
 * Checks record data against a template's fields. With requireComplete, required fields that are shown
 * (see visibleFields) must have a value and groups, photos and files their `min`; without it the data is
 * a draft that may miss them, but every value given is still checked.
 */
export function validateRecordData(fields: readonly TemplateField[], input: unknown, options: { requireComplete: boolean }): RecordDataResult {
  const errors: FieldErrors = {};
  if (!isPlainObject(input)) return { ok: false, data: {}, errors: { data: 'must be an object of field values keyed by field key' } };
  const data = validateLevel(fields, input, '', options.requireComplete, errors);
  return { ok: Object.keys(errors).length === 0, data, errors };
}

/** The data of a new record: the defaults its template gives, nothing else. */
export function initialData(fields: readonly TemplateField[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  // A copy, so that editing the new record's arrays and objects never changes the template.
  for (const field of fields) if (field.default !== undefined) data[field.key] = structuredClone(field.default);
  return data;
}

function validateLevel(
  fields: readonly TemplateField[], input: Record<string, unknown>, prefix: string, requireComplete: boolean, errors: FieldErrors,
): Record<string, unknown> {
  const keys = new Set(fields.map((field) => field.key));
  for (const key of Object.keys(input)) if (!keys.has(key)) setOwn(errors, prefix + key, 'is not a field of this template');
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const path = prefix + field.key;
    const raw = ownValue(input, field.key);
    const value = field.type === 'group' ? validateRows(field, raw, path, requireComplete, errors) : checkedValue(field, raw, path, errors);
    if (value !== undefined) data[field.key] = value;
  }
  if (requireComplete) {
    // Visibility follows the submitted (normalised) data of this level; hidden fields may stay empty.
    for (const field of visibleFields(fields, data)) {
      const path = prefix + field.key;
      // hasOwn: a plain errors[path] would find Object.prototype.constructor for a field keyed 'constructor'.
      if (!Object.hasOwn(errors, path)) {
        const problem = completenessProblem(field, ownValue(data, field.key));
        if (problem) errors[path] = problem;
      }
    }
  }
  return data;
}

function checkedValue(field: TemplateField, raw: unknown, path: string, errors: FieldErrors): unknown {
  const check = checkFieldValue(field, raw);
  if (check.ok) return check.value;
  errors[path] = check.error;
  return undefined;
}

function validateRows(field: TemplateField, raw: unknown, path: string, requireComplete: boolean, errors: FieldErrors): unknown[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    errors[path] = 'must be a list of rows, each an object of field values';
    return undefined;
  }
  if (raw.length === 0) return undefined;
  if (field.max !== undefined && raw.length > field.max) errors[path] = `may have at most ${countOf(field.max, 'row')} (this one has ${raw.length})`;
  const columns = field.fields ?? [];
  return raw.map((row: unknown, index) => {
    if (isPlainObject(row)) return validateLevel(columns, row, `${path}[${index}].`, requireComplete, errors);
    errors[`${path}[${index}]`] = 'must be an object of field values';
    return {};
  });
}

// `min` of a group, photo or file field is a completeness rule: a draft may hold fewer rows or files.
function completenessProblem(field: TemplateField, value: unknown): string | null {
  if (value === undefined && field.required) return 'is required';
  const counted = field.type === 'group' || field.type === 'photo' || field.type === 'file';
  const count = Array.isArray(value) ? value.length : 0;
  if (!counted || field.min === undefined || count >= field.min) return null;
  return `needs at least ${countOf(field.min, field.type === 'group' ? 'row' : 'file')}`;
}
