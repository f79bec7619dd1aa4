// The other way round from record-form-data.ts: a record's stored data as the texts its form controls
// start with, so that a form shown from the database and one shown again as typed are drawn alike.
import { isPlainObject, ownValue } from '../services/plain-values.ts';
import type { TemplateField } from '../services/template-types.ts';
import type { FormValues } from './record-form-data.ts';

/** The controls' texts for stored data (a new record's defaults, or a record being edited), named as the form names them. */
export function formValuesOf(fields: readonly TemplateField[], data: Record<string, unknown>, prefix = 'data'): FormValues {
  const values: FormValues = new Map();
  addLevel(fields, data, prefix, values);
  return values;
}

function addLevel(fields: readonly TemplateField[], data: Record<string, unknown>, prefix: string, values: FormValues): void {
  for (const field of fields) {
    const value = ownValue(data, field.key);
    const name = `${prefix}.${field.key}`;
    if (value === undefined || field.type === 'heading') continue;
    if (field.type === 'group') {
      if (Array.isArray(value)) value.forEach((row: unknown, index) => isPlainObject(row) && addLevel(field.fields ?? [], row, `${name}.${index}`, values));
    } else if (field.type === 'location') {
      if (!isPlainObject(value)) continue;
      for (const part of ['lat', 'lon', 'accuracy']) if (typeof value[part] === 'number') values.set(`${name}.${part}`, [String(value[part])]);
    } else {
      const texts = textsOfValue(field, value);
      if (texts.length > 0) values.set(name, texts);
    }
  }
}

function textsOfValue(field: TemplateField, value: unknown): string[] {
  switch (field.type) {
    case 'checkbox': return value === true ? ['true'] : [];
    case 'score': return [value === null ? 'na' : String(value)];
    case 'signature': return isPlainObject(value) && typeof value.signatureId === 'string' ? [value.signatureId] : [];
    case 'multichoice': case 'photo': case 'file': return Array.isArray(value) ? value.map(String) : [];
    // A stored time stays UTC ISO here: the control shows it in UTC and the page's script in local time.
    default: return value === null ? [] : [String(value)];
  }
}
