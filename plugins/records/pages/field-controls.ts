// What the record form's field renderer (views/parts/fields.hbs) draws for each template field: every
// name, id, value, option, error and condition worked out here, so the view is only markup. The markup
// follows the contracts of the form's scripts (assets/js/*.js, test/fixtures/records-form/form.html).
import { maxFilesOf } from '../services/field-value.ts';
import type { RecordFile } from '../services/file-store.ts';
import { initialData } from '../services/record-data.ts';
import type { SignatureReference } from '../services/signature-store.ts';
import type { TemplateField } from '../services/template-types.ts';
import { acceptOf, humanSize, typeName, uploadLimits } from './file-facts.ts';
import { localInputOfUtc } from './local-time.ts';
import type { FormValues } from './record-form-data.ts';
import { formValuesOf } from './record-form-values.ts';

/** One choice of a radio group, select or checkbox list. */
export interface ControlOption { value: string; label: string; id: string; checked: boolean }

/** One field of the form as the view draws it. */
export interface FieldControl {
  type: TemplateField['type'];
  name: string;
  id: string;
  label: string;
  help?: string;
  required: boolean;
  error?: string;
  /** The ids of the help and error texts, for aria-describedby; undefined when there are none. */
  describedBy?: string;
  showIf?: { name: string; equals: string };
  value?: string;
  /** A datetime shown from stored data: its UTC ISO time, for the page script to show in local time. */
  utc?: string;
  options?: ControlOption[];
  /** Drawn as a list of radio buttons (a score, a choice of five options or fewer) or checkboxes (multichoice); a longer choice is a select. */
  optionInput?: 'radio' | 'checkbox';
  unit?: string;
  location?: Record<'lat' | 'lon' | 'accuracy', { name: string; id: string; value: string }>;
  signature?: { padValue: string; storedId?: string; stored?: { src: string; signedByName: string; signedAt: string } };
  /** A photo or file field where files can be added (the record form); without it the view says they cannot be added here. */
  upload?: UploadControl;
  /** The files a photo or file field holds, by id, when they cannot be added here (a journal entry's hidden inputs keep them). */
  uploads?: string[];
  group?: { min: number; max?: number; rows: GroupRow[]; template: GroupRow };
}

/** A photo or file field's file input and the files it already holds, each with a Remove checkbox. */
export interface UploadControl {
  photo: boolean;
  accept: string;
  multiple: boolean;
  /** The limits in a sentence, shown beside the input. */
  limits: string;
  existing: Array<{
    id: string; name: string; size: string; type: string; href: string; thumbnail?: string;
    /** The id of its Remove checkbox, and whether it is ticked (a form shown again after a refusal). */
    removeId: string; removed: boolean;
  }>;
}

/** What the photo and file controls are drawn with: the record's files, those ticked for removal, where files are reached, the size limit. */
export interface UploadContext {
  files: ReadonlyMap<string, RecordFile>;
  removed: ReadonlySet<string>;
  /** The address of a file's original (`/api/v1/t/<slug>/files/<id>`); its thumbnail is under it. */
  fileHref(fileId: string): string;
  maxFileBytes: number;
}

/** A row of a repeating group; the template row has the placeholders __INDEX__ and __NUMBER__. */
export interface GroupRow { index: string; number: string; title: string; removeLabel: string; controls: FieldControl[] }

/** What the controls are drawn with: the values, the errors by control name, and the record's stored signatures. */
export interface ControlContext {
  values: FormValues;
  errors: Readonly<Record<string, string>>;
  signatures?: ReadonlyMap<string, SignatureReference>;
  /** The address of a stored signature's image. */
  signatureSrc?: (signatureId: string) => string;
  /** Set where files can be added to photo and file fields (the record form, not a journal entry's). */
  uploads?: UploadContext;
}

const scoreOptions = [{ value: 'true', label: 'In order' }, { value: 'false', label: 'Not in order' }, { value: 'na', label: 'Not applicable' }];
const mostRadios = 5;

/** The element id of a control: `data.rows.1.note` -> `field-data-rows-1-note`. */
export const controlId = (name: string): string => `field-${name.replaceAll('.', '-')}`;

/** The controls of a list of fields (a template's, a journal's entry fields, or a group row's) named under `prefix`. */
export function fieldControls(fields: readonly TemplateField[], prefix: string, context: ControlContext): FieldControl[] {
  return fields.map((field) => fieldControl(field, prefix, context));
}

function fieldControl(field: TemplateField, prefix: string, context: ControlContext): FieldControl {
  const name = `${prefix}.${field.key}`;
  const id = controlId(name);
  const error = Object.hasOwn(context.errors, name) ? context.errors[name] : undefined;
  const help = [field.help, field.type === 'number' ? rangeOf(field) : undefined].filter(Boolean).join(' ');
  const describedBy = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const texts = context.values.get(name) ?? [];
  const control: FieldControl = {
    type: field.type, name, id, label: field.label, required: field.required === true, describedBy,
    ...(help ? { help } : {}), ...(error ? { error } : {}),
    ...(field.showIf ? { showIf: { name: `${prefix}.${field.showIf.field}`, equals: String(field.showIf.equals) } } : {}),
  };
  const options = (choices: ReadonlyArray<{ value: string; label: string }>): ControlOption[] =>
    choices.map((option, index) => ({ value: option.value, label: option.label, id: `${id}-${index}`, checked: texts.includes(option.value) }));
  switch (field.type) {
    case 'choice': return { ...control, options: options(field.options ?? []), ...((field.options ?? []).length <= mostRadios ? { optionInput: 'radio' } : {}) };
    case 'multichoice': return { ...control, options: options(field.options ?? []), optionInput: 'checkbox' };
    case 'score': return { ...control, options: options(scoreOptions), optionInput: 'radio' };
    case 'checkbox': return { ...control, value: texts.includes('true') ? 'true' : '' };
    case 'photo': case 'file': return context.uploads ? { ...control, upload: uploadParts(field, id, texts, context.uploads) } : { ...control, uploads: texts };
    case 'number': return { ...control, value: texts[0] ?? '', ...(field.unit ? { unit: field.unit } : {}) };
    case 'datetime': return datetimeControl(control, texts[0] ?? '');
    case 'location': return { ...control, location: locationParts(name, context.values) };
    case 'signature': return { ...control, signature: signatureParts(texts, context) };
    case 'group': return { ...control, group: groupParts(field, name, context) };
    default: return { ...control, value: texts[0] ?? '' };
  }
}

function uploadParts(field: TemplateField, id: string, fileIds: string[], uploads: UploadContext): UploadControl {
  const photo = field.type === 'photo';
  return {
    photo, accept: acceptOf(field), multiple: maxFilesOf(field) > 1, limits: uploadLimits(field, uploads.maxFileBytes),
    existing: fileIds.map((fileId, index) => {
      const file = uploads.files.get(fileId);
      const href = uploads.fileHref(fileId);
      return {
        id: fileId, name: file?.name ?? 'A file no longer stored', size: file ? humanSize(file.size) : '', type: file ? typeName(file.mime) : '', href,
        ...(file?.mime.startsWith('image/') ? { thumbnail: `${href}/thumbnail` } : {}), removeId: `${id}-remove-${index}`, removed: uploads.removed.has(fileId),
      };
    }),
  };
}

/** A number field's bounds in words, told with its help: the control is text (for a decimal comma), so the browser does not say them. */
function rangeOf(field: TemplateField): string | undefined {
  const unit = field.unit ? ` ${field.unit}` : '';
  if (field.min !== undefined && field.max !== undefined) return `From ${field.min} to ${field.max}${unit}.`;
  if (field.min !== undefined) return `At least ${field.min}${unit}.`;
  if (field.max !== undefined) return `At most ${field.max}${unit}.`;
  return undefined;
}

// A value from the database is UTC ISO ("...Z"); one typed into the form is the control's own local text.
function datetimeControl(control: FieldControl, text: string): FieldControl {
  return text.endsWith('Z') ? { ...control, value: localInputOfUtc(text), utc: text } : { ...control, value: text };
}

function locationParts(name: string, values: FormValues): FieldControl['location'] {
  const part = (key: 'lat' | 'lon' | 'accuracy') => ({ name: `${name}.${key}`, id: controlId(`${name}.${key}`), value: values.get(`${name}.${key}`)?.[0] ?? '' });
  return { lat: part('lat'), lon: part('lon'), accuracy: part('accuracy') };
}

function signatureParts(texts: string[], context: ControlContext): FieldControl['signature'] {
  const padValue = texts.find((text) => text.startsWith('data:')) ?? '';
  const storedId = texts.find((text) => !text.startsWith('data:'));
  const reference = storedId === undefined ? undefined : context.signatures?.get(storedId);
  if (!reference || !context.signatureSrc) return { padValue };
  return { padValue, storedId, stored: { src: context.signatureSrc(reference.signatureId), signedByName: reference.signedByName, signedAt: reference.signedAt } };
}

/** The rows given, then blank ones up to one more than given (or the group's min), as long as max allows: how rows are added without the script. */
function groupParts(field: TemplateField, name: string, context: ControlContext): FieldControl['group'] {
  const columns = field.fields ?? [];
  let given = 0;
  const rowName = new RegExp(`^${name.replaceAll('.', '\\.')}\\.(\\d+)\\.`);
  for (const control of context.values.keys()) {
    const match = rowName.exec(control);
    if (match) given = Math.max(given, Number(match[1]) + 1);
  }
  const count = Math.min(Math.max(given + 1, field.min ?? 0), field.max ?? Infinity);
  const row = (index: string, number: string, controls: FieldControl[]): GroupRow => ({ index, number, title: field.label, removeLabel: `Remove ${field.label} ${number}`, controls });
  const rows = Array.from({ length: Math.max(count, given) }, (_, index) => row(String(index), String(index + 1), fieldControls(columns, `${name}.${index}`, context)));
  // Rows added in the browser start with the columns' defaults; the blank row above does not, or every save would keep it.
  const templatePrefix = `${name}.__INDEX__`;
  const template = row('__INDEX__', '__NUMBER__', fieldControls(columns, templatePrefix, { ...context, errors: {}, values: formValuesOf(columns, initialData(columns), templatePrefix) }));
  return { min: field.min ?? 0, ...(field.max === undefined ? {} : { max: field.max }), rows, template };
}
