// A template's list of fields: each field's properties checked against its type, keys unique among
// siblings, groups holding their own list, showIf pointing back at an earlier sibling. Every problem is
// recorded at its path ('fields[4].fields[1].key') so that a template editor can show them all at once.
import { parseAccept, parseBounds, parseOptions } from './field-properties.ts';
import { checkFieldValue } from './field-value.ts';
import { isPlainObject, shown } from './plain-values.ts';
import { parseTemplateText } from './template-text.ts';
import { fieldTypes, type FieldErrors, type FieldType, type TemplateField } from './template-types.ts';

const keyPattern = /^[a-z][a-z0-9_]{0,39}$/;
const maxGroupFields = 50;
const showIfControllers: readonly FieldType[] = ['choice', 'checkbox', 'text', 'number'];
const showIfProperties = ['field', 'equals'];

function typesBut(...excluded: FieldType[]): readonly FieldType[] {
  return fieldTypes.filter((type) => !excluded.includes(type));
}

/** Which field types each property applies to; a property missing here is not a field property at all. */
export const propertyTypes: Readonly<Record<string, readonly FieldType[]>> = {
  key: fieldTypes, type: fieldTypes, label: fieldTypes, help: fieldTypes, showIf: fieldTypes,
  required: typesBut('heading'),
  default: typesBut('heading', 'photo', 'file', 'signature', 'group'),
  options: ['choice', 'multichoice'],
  min: ['number', 'group', 'photo', 'file'],
  max: ['number', 'group', 'photo', 'file'],
  unit: ['number'],
  fields: ['group'],
  multiple: ['photo', 'file'],
  accept: ['file'],
};

/** A field parsed so far, as its later siblings see it; `clean` when it had no problem at all. */
interface Sibling { field: TemplateField; path: string; clean: boolean }

/** What parseField knows of the level it is on. */
interface Level { insideGroup: boolean; earlier: Map<string, Sibling>; keyPaths: Map<string, string> }

/**
 * Parses a list of template fields at `path` ('fields', 'entryFields', 'fields[4].fields'), recording
 * every problem in `errors`; the list returned is meaningful only when no problem was recorded.
 */
export function parseFieldList(input: unknown, path: string, errors: FieldErrors, insideGroup = false): TemplateField[] {
  if (!Array.isArray(input)) {
    errors[path] = 'must be a list of fields';
    return [];
  }
  // Every key of the level up front, so that a showIf naming a later field can say so.
  const keyPaths = new Map<string, string>();
  input.forEach((item: unknown, index) => {
    if (isPlainObject(item) && typeof item.key === 'string' && !keyPaths.has(item.key)) keyPaths.set(item.key, `${path}[${index}]`);
  });
  const level: Level = { insideGroup, earlier: new Map(), keyPaths };
  const fields: TemplateField[] = [];
  input.forEach((item: unknown, index) => {
    const fieldPath = `${path}[${index}]`;
    const errorCount = Object.keys(errors).length;
    const field = parseField(item, fieldPath, errors, level);
    if (!field) return;
    const owner = level.earlier.get(field.key);
    if (owner) errors[`${fieldPath}.key`] = `is already used by ${owner.path}`;
    else level.earlier.set(field.key, { field, path: fieldPath, clean: Object.keys(errors).length === errorCount });
    fields.push(field);
  });
  return fields;
}

function parseField(input: unknown, path: string, errors: FieldErrors, level: Level): TemplateField | undefined {
  if (!isPlainObject(input)) {
    errors[path] = 'must be an object with key, type and label';
    return undefined;
  }
  const type = parseType(input.type, `${path}.type`, errors, level.insideGroup);
  for (const property of Object.keys(input)) {
    // hasOwn: a property named "constructor" or "toString" must not find Object.prototype's.
    const types = Object.hasOwn(propertyTypes, property) ? propertyTypes[property] : undefined;
    if (!types) errors[`${path}.${property}`] = 'is not a field property';
    else if (type && !types.includes(type)) errors[`${path}.${property}`] = `does not apply to ${type} fields`;
  }
  const key = parseKey(input.key, `${path}.key`, errors);
  const label = parseTemplateText(input.label, `${path}.label`, errors, { max: 200, required: true, oneLine: true });
  const help = parseTemplateText(input.help, `${path}.help`, errors, { max: 1000 });
  if (!type || key === undefined) return undefined;
  const applies = (property: string): boolean => input[property] !== undefined && propertyTypes[property]!.includes(type);

  const required = applies('required') ? parseFlag(input.required, `${path}.required`, errors) : undefined;
  const options = type === 'choice' || type === 'multichoice' ? parseOptions(input.options, `${path}.options`, errors) : undefined;
  const { min, max } = applies('min') || applies('max') ? parseBounds(input, type, path, errors) : {};
  const unit = applies('unit') ? parseTemplateText(input.unit, `${path}.unit`, errors, { max: 20, oneLine: true }) : undefined;
  const multiple = applies('multiple') ? parseFlag(input.multiple, `${path}.multiple`, errors) : undefined;
  const accept = applies('accept') ? parseAccept(input.accept, `${path}.accept`, errors) : undefined;
  const fields = type === 'group' ? parseGroupFields(input.fields, `${path}.fields`, errors) : undefined;
  const field = defined({ key, type, label: label ?? '', required, help, options, min, max, unit, fields, multiple, accept }) as TemplateField;
  // Without its options a choice field would refuse every default; the options' own errors say enough.
  const checkable = applies('default') && (options !== undefined || !propertyTypes.options!.includes(type));
  const defaultValue = checkable ? parseDefault(field, input.default, `${path}.default`, errors) : undefined;
  const showIf = input.showIf !== undefined ? parseShowIf(input.showIf, path, errors, level) : undefined;
  // The documented property order, so that exports and stored versions read the same way every time.
  return defined({
    key, type, label: field.label, required, help, default: defaultValue, options, min, max, unit, fields, showIf, multiple, accept,
  }) as TemplateField;
}

function parseType(value: unknown, path: string, errors: FieldErrors, insideGroup: boolean): FieldType | undefined {
  if (value === undefined) errors[path] = 'is required';
  else if (typeof value !== 'string' || !(fieldTypes as readonly string[]).includes(value)) errors[path] = `is not a known field type (one of ${fieldTypes.join(', ')})`;
  else if (value === 'group' && insideGroup) errors[path] = 'cannot be group inside a group: groups do not nest';
  else return value as FieldType;
  return undefined;
}

function parseKey(value: unknown, path: string, errors: FieldErrors): string | undefined {
  if (value === undefined) errors[path] = 'is required';
  else if (typeof value !== 'string' || !keyPattern.test(value)) {
    errors[path] = 'must start with a lower-case letter and hold only lower-case letters, digits and underscores, at most 40 characters';
  } else return value;
  return undefined;
}

function parseFlag(value: unknown, path: string, errors: FieldErrors): boolean | undefined {
  if (typeof value === 'boolean') return value;
  errors[path] = 'must be true or false';
  return undefined;
}

function parseGroupFields(value: unknown, path: string, errors: FieldErrors): TemplateField[] | undefined {
  if (value === undefined) {
    errors[path] = `is required: a group holds from 1 to ${maxGroupFields} fields`;
    return undefined;
  }
  const fields = parseFieldList(value, path, errors, true);
  if (Array.isArray(value) && (value.length === 0 || value.length > maxGroupFields)) {
    errors[path] = `must hold from 1 to ${maxGroupFields} fields (this one has ${value.length})`;
  }
  return fields;
}

function parseDefault(field: TemplateField, value: unknown, path: string, errors: FieldErrors): unknown {
  const check = checkFieldValue(field, value);
  if (!check.ok) errors[path] = check.error;
  return check.ok ? check.value : undefined;
}

function parseShowIf(value: unknown, fieldPath: string, errors: FieldErrors, level: Level): TemplateField['showIf'] {
  const path = `${fieldPath}.showIf`;
  if (!isPlainObject(value)) {
    errors[path] = 'must be an object { field, equals }';
    return undefined;
  }
  for (const key of Object.keys(value)) if (!showIfProperties.includes(key)) errors[`${path}.${key}`] = 'is not a showIf property';
  const { field: key, equals } = value;
  if (equals === undefined) errors[`${path}.equals`] = 'is required';
  if (typeof key !== 'string' || key === '') {
    errors[`${path}.field`] = 'is required: the key of a field declared earlier at the same level';
    return undefined;
  }
  const controller = level.earlier.get(key);
  if (!controller) {
    const later = level.keyPaths.get(key);
    errors[`${path}.field`] = later === fieldPath ? 'names this field itself: showIf must follow a field declared earlier at the same level'
      : later ? `names ${later}, which comes later: showIf can only follow a field declared earlier at the same level`
        : `names ${shown(key)}, which is not a field declared earlier at the same level`;
    return undefined;
  }
  const { type } = controller.field;
  if (!showIfControllers.includes(type)) {
    errors[`${path}.field`] = `names a ${type} field: showIf can only follow ${showIfControllers.join(', ')} fields`;
    return undefined;
  }
  if (equals === undefined || !controller.clean) return undefined;
  const check = checkFieldValue(controller.field, equals);
  if (check.ok && check.value !== undefined) return { field: key, equals: check.value as string | number | boolean };
  errors[`${path}.equals`] = `is not a value ${shown(key)} can take: it ${check.ok ? 'must not be empty' : check.error}`;
  return undefined;
}

/** The object without its undefined properties, so that stored templates carry no empty keys. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
