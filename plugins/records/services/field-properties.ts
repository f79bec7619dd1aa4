// The type-specific properties of a template field: a choice's options, the min/max bounds and a file
// field's accepted MIME types. Each parser records its problems at the property's path and returns only
// what is valid.
import { defaultMaxFiles } from './field-value.ts';
import { isPlainObject } from './plain-values.ts';
import { parseTemplateText } from './template-text.ts';
import type { FieldErrors, FieldOption, FieldType } from './template-types.ts';

const maxOptions = 100;
const maxAcceptedTypes = 50;
const optionProperties = ['value', 'label'];
// A MIME type's two parts (RFC 6838 restricted names), the subtype possibly "*" for "any image".
const mimeType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;

/** A choice field's options: plain strings become { value, label } with the same text, values must be distinct. */
export function parseOptions(value: unknown, path: string, errors: FieldErrors): FieldOption[] | undefined {
  if (value === undefined) {
    errors[path] = 'is required: a choice field lists the options to choose from';
    return undefined;
  }
  if (!Array.isArray(value)) {
    errors[path] = 'must be a list of options, each a text or { value, label }';
    return undefined;
  }
  if (value.length === 0 || value.length > maxOptions) {
    errors[path] = `must list from 1 to ${maxOptions} options (this one has ${value.length})`;
    return undefined;
  }
  const options: FieldOption[] = [];
  const valueOwners = new Map<string, string>();
  const errorCount = Object.keys(errors).length;
  value.forEach((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    const option = parseOption(item, itemPath, errors);
    if (!option) return;
    const valuePath = typeof item === 'string' ? itemPath : `${itemPath}.value`;
    const owner = valueOwners.get(option.value);
    if (owner !== undefined) errors[valuePath] = `is already used by ${owner}`;
    else valueOwners.set(option.value, `options[${index}]`);
    options.push(option);
  });
  return Object.keys(errors).length === errorCount ? options : undefined;
}

function parseOption(item: unknown, path: string, errors: FieldErrors): FieldOption | undefined {
  const rule = { max: 200, oneLine: true };
  if (typeof item === 'string') {
    const text = parseTemplateText(item, path, errors, { ...rule, required: true });
    return text === undefined ? undefined : { value: text, label: text };
  }
  if (!isPlainObject(item)) {
    errors[path] = 'must be a text or an object { value, label }';
    return undefined;
  }
  for (const key of Object.keys(item)) if (!optionProperties.includes(key)) errors[`${path}.${key}`] = 'is not an option property';
  const optionValue = parseTemplateText(item.value, `${path}.value`, errors, { ...rule, required: true });
  // A missing label reads like the value, as with the plain-string form.
  const label = parseTemplateText(item.label, `${path}.label`, errors, rule) ?? optionValue;
  return optionValue === undefined || label === undefined ? undefined : { value: optionValue, label };
}

/**
 * min and max: a number field's value range, or (group, photo, file) the least and most rows or files,
 * which are whole numbers. min may not exceed max, and a single-file field holds at most one.
 */
export function parseBounds(
  input: { min?: unknown; max?: unknown; multiple?: unknown }, type: FieldType, path: string, errors: FieldErrors,
): { min?: number; max?: number } {
  const counted = type !== 'number';
  const min = parseBound(input.min, `${path}.min`, errors, counted ? 0 : undefined);
  const max = parseBound(input.max, `${path}.max`, errors, counted ? 1 : undefined);
  const bounds = { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  if (min !== undefined && max !== undefined && min > max) errors[`${path}.max`] = `must be at least min (${min})`;
  if (type === 'photo' || type === 'file') {
    if (input.multiple === false && max !== undefined && max > 1) errors[`${path}.max`] = 'must be 1 when multiple is false';
    if (input.multiple === false && min !== undefined && min > 1) errors[`${path}.min`] = 'must be at most 1 when multiple is false';
    if (max === undefined && min !== undefined && min > defaultMaxFiles) {
      errors[`${path}.min`] = `must be at most ${defaultMaxFiles}, the most files a field holds unless max says otherwise`;
    }
  }
  return bounds;
}

function parseBound(value: unknown, path: string, errors: FieldErrors, least: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) errors[path] = 'must be a number';
  else if (least !== undefined && (!Number.isInteger(value) || value < least)) errors[path] = `must be a whole number of ${least} or more`;
  else return value;
  return undefined;
}

/** A file field's accepted MIME types ("application/pdf", "image/*"), lower-cased. */
export function parseAccept(value: unknown, path: string, errors: FieldErrors): string[] | undefined {
  if (!Array.isArray(value)) {
    errors[path] = 'must be a list of MIME types such as "application/pdf" or "image/*"';
    return undefined;
  }
  if (value.length === 0 || value.length > maxAcceptedTypes) {
    errors[path] = `must list from 1 to ${maxAcceptedTypes} MIME types (leave accept out to allow any file)`;
    return undefined;
  }
  const accepted: string[] = [];
  value.forEach((item: unknown, index) => {
    const type = typeof item === 'string' ? item.trim().toLowerCase() : '';
    if (!mimeType.test(type)) errors[`${path}[${index}]`] = 'must be a MIME type such as "application/pdf" or "image/*"';
    else if (!accepted.includes(type)) accepted.push(type);
  });
  return accepted;
}
