// The designer page's data: the working copy as field cards (each with its facts, its form's values and
// the parser's errors beside its controls), the add forms of each list, and the template's versions.
import { fieldTypes, type FieldErrors } from '../services/template-definition.ts';
import type { Template } from '../services/template-store.ts';
import { sortErrors, type CardErrors, type SortedErrors } from './designer-errors.ts';
import { anchorOf, type Draft, type DraftField } from './draft-fields.ts';
import { factsOf, labelOf, typeLabelOf } from './field-facts.ts';
import { applies, defaultEditorOf, fieldTypeLabels, formValuesOf, holdsFields } from './field-form.ts';

/** An add form shown again after a refusal: its list, what was typed and why it was refused. */
export interface AddAttempt {
  list: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** What the designer page is built from. */
export interface DesignerInput {
  template: Template;
  draft: Draft;
  /** The parser's errors of the draft ({} when it is valid). */
  errors: FieldErrors;
  versions: Array<{ version: number; createdAt: number }>;
  /** The card to show open (a field just added). */
  open: string | null;
  add?: AddAttempt;
  details?: { values: Record<string, string>; errors: Record<string, string> };
}

const controllerTypes = new Set(['choice', 'checkbox', 'text', 'number']);
const option = (value: string, label: string): { value: string; label: string } => ({ value, label });
const defaultChoices = {
  checkbox: [option('', 'No default'), option('true', 'Checked'), option('false', 'Not checked')],
  score: [option('', 'No default'), option('true', 'In order'), option('false', 'Not in order'), option('na', 'Not applicable')],
};
const boundLabels: Record<string, { min: string; max: string }> = {
  number: { min: 'Lowest value', max: 'Highest value' }, group: { min: 'Fewest rows', max: 'Most rows' },
  photo: { min: 'Fewest photos', max: 'Most photos' }, file: { min: 'Fewest files', max: 'Most files' },
};

/** The type select's options at a level: groups do not nest. */
export function typeOptions(insideGroup: boolean): Array<{ value: string; label: string }> {
  return fieldTypes.filter((type) => !(insideGroup && type === 'group')).map((type) => option(type, fieldTypeLabels[type]));
}

/** The view data of `records/templates/designer`. */
export function designerView(input: DesignerInput): Record<string, unknown> {
  const { template, draft } = input;
  const sorted = sortErrors(input.errors, draft);
  const build = { sorted, open: input.open, add: input.add };
  const lists = [listView(draft.fields, 'fields', null, build)];
  if (draft.kind === 'journal') lists.push(listView(draft.entryFields ?? [], 'entryFields', null, build));
  const [fields, entryFields] = lists;
  return {
    title: `Designer: ${template.name}`,
    template: { id: template.id, name: template.name, kind: template.kind, version: template.currentVersion, nextVersion: template.currentVersion + 1, unpublished: template.draft !== null },
    details: { values: { name: textOf(draft.name), description: textOf(draft.description), ...input.details?.values }, errors: { ...pick(sorted.general, 'name', 'description'), ...input.details?.errors } },
    problemCount: sorted.count, problems: problemsOf(sorted), fields, entryFields: entryFields ?? null, isJournal: draft.kind === 'journal',
    versions: input.versions.map((v) => ({ version: v.version, createdAt: new Date(v.createdAt).toISOString(), current: v.version === template.currentVersion })),
  };
}

interface Build {
  sorted: SortedErrors;
  open: string | null;
  add: AddAttempt | undefined;
}

function listView(list: readonly DraftField[], path: string, group: DraftField | null, build: Build): Record<string, unknown> {
  const insideGroup = group !== null;
  const attempt = build.add?.list === path ? build.add : undefined;
  return {
    path, anchor: anchorOf(path), insideGroup, cards: list.map((field, index) => cardView(field, index, list, path, insideGroup, build)),
    add: { ids: addIds(anchorOf(path)), values: { type: 'text', ...attempt?.values }, errors: attempt?.errors ?? {}, typeOptions: typeOptions(insideGroup) },
    error: insideGroup ? null : (build.sorted.general[path] ?? null),
  };
}

function addIds(anchor: string): Record<string, string> {
  return { type: `${anchor}-add-type`, label: `${anchor}-add-label`, key: `${anchor}-add-key` };
}

function cardView(field: DraftField, index: number, list: readonly DraftField[], listPath: string, insideGroup: boolean, build: Build): Record<string, unknown> {
  const at = `${listPath}[${index}]`;
  const anchor = anchorOf(at);
  const stem = anchor.slice(2);
  const errors: CardErrors = build.sorted.cards.get(at) ?? {};
  const { type } = field;
  const values = formValuesOf(field);
  const editor = defaultEditorOf(type);
  const isGroup = type === 'group' && !insideGroup;
  const ids = Object.fromEntries(Object.keys(values).map((name) => [name, `${stem}-${name}`]));
  const showIf = showIfOptions(field, list.slice(0, index));
  return {
    at, anchor, ids, was: values.key, heading: insideGroup ? 'h4' : 'h3', position: index + 1, label: labelOf(field), typeLabel: typeLabelOf(type), key: values.key,
    facts: factsOf(field, list), values, errors, hasErrors: Object.keys(errors).length > 0, open: build.open === at || Object.keys(errors).length > 0,
    typeOptions: typeOptions(insideGroup), typeFixed: holdsFields(field), first: index === 0, last: index === list.length - 1,
    shows: {
      required: applies('required', type), options: applies('options', type), unit: applies('unit', type), multiple: applies('multiple', type), accept: applies('accept', type),
      bounds: applies('min', type) ? boundLabels[type as string] : null,
      defaultText: editor === 'text', defaultNumber: editor === 'number', defaultDate: editor === 'date', defaultLines: editor === 'lines',
      defaultSelect: editor === 'choice' || editor === 'checkbox' || editor === 'score',
    },
    defaultOptions: editor === 'choice' ? [option('', 'No default'), ...choiceOptions(field.options)] : editor === 'checkbox' || editor === 'score' ? defaultChoices[editor] : [],
    showIfOptions: showIf, canShowIf: showIf.length > 1,
    group: isGroup ? listView(Array.isArray(field.fields) ? (field.fields as DraftField[]) : [], `${at}.fields`, field, build) : null,
  };
}

function choiceOptions(options: unknown): Array<{ value: string; label: string }> {
  if (!Array.isArray(options)) return [];
  return options.flatMap((item: unknown) => {
    const { value, label } = (item ?? {}) as { value?: unknown; label?: unknown };
    return typeof value === 'string' && value !== '' ? [option(value, typeof label === 'string' ? label : value)] : [];
  });
}

// The fields a showIf may follow: earlier ones at the same level of a type that can be compared. One it
// names already stays listed even when it no longer qualifies, so that its error can be seen and fixed.
function showIfOptions(field: DraftField, earlier: readonly DraftField[]): Array<{ value: string; label: string }> {
  const options = [option('', 'Always shown')];
  for (const sibling of earlier) {
    if (typeof sibling.key === 'string' && controllerTypes.has(sibling.type as string)) options.push(option(sibling.key, `${labelOf(sibling)} (${sibling.key})`));
  }
  const current = (field.showIf as { field?: unknown } | undefined)?.field;
  if (typeof current === 'string' && current !== '' && !options.some((o) => o.value === current)) options.push(option(current, `${current} (not an earlier field)`));
  return options;
}

const generalAnchors: Record<string, { anchor: string; what: string }> = {
  name: { anchor: 'template-details', what: 'Name' }, description: { anchor: 'template-details', what: 'Description' },
  fields: { anchor: 'f-fields', what: 'Fields' }, entryFields: { anchor: 'f-entryFields', what: 'Entry fields' },
};
const controlNames: Record<string, string> = {
  label: 'label', key: 'key', type: 'type', required: 'required', help: 'help', default: 'default', options: 'options', min: 'lowest', max: 'highest',
  unit: 'unit', multiple: 'several files', accept: 'file types', showIfField: 'shown when', showIfEquals: 'shown when value', fields: 'fields in the group', other: '',
};

// A list at the top of the page that says what is wrong and links to each place.
function problemsOf(sorted: SortedErrors): Array<{ anchor: string; text: string }> {
  const problems: Array<{ anchor: string; text: string }> = [];
  for (const [path, message] of Object.entries(sorted.general)) {
    const place = generalAnchors[path] ?? { anchor: 'template-details', what: path };
    problems.push({ anchor: place.anchor, text: `${place.what}: ${message}` });
  }
  for (const [at, errors] of sorted.cards) {
    for (const [control, message] of Object.entries(errors)) {
      const where = at.replace(/(fields|entryFields)\[(\d+)\]/g, (_m, list: string, i: string) => `${list === 'fields' ? 'field' : 'entry field'} ${Number(i) + 1}`).replace('.', ', ');
      problems.push({ anchor: anchorOf(at), text: `${where}${controlNames[control] ? `, ${controlNames[control]}` : ''}: ${message}` });
    }
  }
  return problems;
}

function pick(record: Record<string, string>, ...keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((key) => record[key] !== undefined).map((key) => [key, record[key]!]));
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
