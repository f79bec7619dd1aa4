// The shape of a records template. template-definition.ts re-exports all of it, so this file exists only
// to let the field parser and the value checks share the constants without importing each other in a circle.

/** Every type a template field can have (API.md, "Field types"). */
export const fieldTypes = [
  'heading', 'text', 'longtext', 'number', 'date', 'datetime', 'choice', 'multichoice', 'checkbox',
  'photo', 'file', 'signature', 'location', 'score', 'group',
] as const;
export type FieldType = (typeof fieldTypes)[number];

/** form: filled once and signed; journal: a diary of time-stamped entries; measurement: a scored observation round. */
export const templateKinds = ['form', 'journal', 'measurement'] as const;
export type TemplateKind = (typeof templateKinds)[number];

export interface FieldOption { value: string; label: string }

export interface TemplateField {
  /** /^[a-z][a-z0-9_]{0,39}$/, unique among its siblings (a group's fields are their own namespace). */
  key: string;
  type: FieldType;
  /** 1 to 200 characters. */
  label: string;
  /** Not for headings. */
  required?: boolean;
  /** At most 1000 characters. */
  help?: string;
  /** A valid value of the field itself; not for heading, photo, file, signature and group. */
  default?: unknown;
  /** choice and multichoice only (required there): 1 to 100 options with distinct values. */
  options?: FieldOption[];
  /** number: the value range; group: rows; photo and file: files (min <= max). */
  min?: number;
  max?: number;
  /** number only, at most 20 characters. */
  unit?: string;
  /** group only (required there): 1 to 50 fields, none of them a group. */
  fields?: TemplateField[];
  /** Shown only when the sibling `field`, declared earlier at the same level, has the value `equals`. */
  showIf?: { field: string; equals: string | number | boolean };
  /** photo and file: whether more than one file is allowed (default true). */
  multiple?: boolean;
  /** file only: the MIME types allowed, like "application/pdf" or "image/*". */
  accept?: string[];
}

export interface TemplateDefinition {
  name: string;
  description?: string;
  kind: TemplateKind;
  fields: TemplateField[];
  /** Journals only: the fields of each appended entry, besides its text. */
  entryFields?: TemplateField[];
}

/** Problems by path ('fields[3].type', 'rows[1].note'), each a sentence fragment such as 'is required'. */
export type FieldErrors = Record<string, string>;
