// The designer's working copy and where its fields are. A place is written the way the template parser
// names paths ('fields[3]', 'fields[3].fields[1]', 'entryFields[0]'), so that the parser's errors and the
// designer's forms point at the same things.
import type { TemplateDefinition, TemplateKind } from '../services/template-definition.ts';

/** A field of the working copy: what the parser takes, but perhaps not yet valid (a choice without options, a bound that is not a number). */
export type DraftField = Record<string, unknown>;

/** The working copy of a template, as the designer changes it. */
export interface Draft {
  name?: unknown;
  description?: unknown;
  kind: TemplateKind;
  fields: DraftField[];
  entryFields?: DraftField[];
}

/** A list of fields: the template's own, a journal's entry fields, or (group set) the fields of the group at that index. */
export interface ListPlace {
  root: 'fields' | 'entryFields';
  group: number | null;
}

/** One field: its list and its index in it. */
export interface FieldPlace extends ListPlace {
  index: number;
}

const fieldPattern = /^(fields|entryFields)\[(\d{1,3})\](?:\.fields\[(\d{1,3})\])?$/;
const listPattern = /^(fields|entryFields)(?:\[(\d{1,3})\]\.fields)?$/;

/** A copy of a stored definition or draft to change. */
export function draftOf(definition: TemplateDefinition): Draft {
  return structuredClone(definition) as unknown as Draft;
}

/** The draft as the template store keeps it (it holds unchecked values until it is published). */
export function storedDraft(draft: Draft): TemplateDefinition {
  const stored = structuredClone(draft);
  // An emptied list of entry fields is the same as none, so that it does not count as a change.
  if (Array.isArray(stored.entryFields) && stored.entryFields.length === 0) delete stored.entryFields;
  return stored as unknown as TemplateDefinition;
}

/** A field's place from a form's `at` ('fields[3].fields[1]'), or null when it is not one. */
export function parseFieldPlace(text: string): FieldPlace | null {
  const match = fieldPattern.exec(text);
  if (!match) return null;
  const [, root, first, second] = match;
  return second === undefined
    ? { root: root as ListPlace['root'], group: null, index: Number(first) }
    : { root: root as ListPlace['root'], group: Number(first), index: Number(second) };
}

/** A list's place from a form's `list` ('fields', 'fields[3].fields'), or null when it is not one. */
export function parseListPlace(text: string): ListPlace | null {
  const match = listPattern.exec(text);
  if (!match) return null;
  return { root: match[1] as ListPlace['root'], group: match[2] === undefined ? null : Number(match[2]) };
}

/** 'fields', 'entryFields' or 'fields[3].fields'. */
export function listPathOf(place: ListPlace): string {
  return place.group === null ? place.root : `${place.root}[${place.group}].fields`;
}

/** 'fields[3]' or 'fields[3].fields[1]'. */
export function fieldPathOf(place: FieldPlace): string {
  return `${listPathOf(place)}[${place.index}]`;
}

/** The id of a field's or list's card on the page: 'f-fields-3-fields-1'. */
export function anchorOf(path: string): string {
  return `f-${path.replace(/[[\].]+/g, '-').replace(/-$/, '')}`;
}

/** The list at a place, or null when there is none (no such group, or entry fields of a template that is not a journal). */
export function listAt(draft: Draft, place: ListPlace): DraftField[] | null {
  if (place.root === 'entryFields' && draft.kind !== 'journal') return null;
  const top = place.root === 'fields' ? draft.fields : (draft.entryFields ?? []);
  if (place.group === null) return top;
  const group = top[place.group];
  if (!group || group.type !== 'group') return null;
  return Array.isArray(group.fields) ? (group.fields as DraftField[]) : [];
}

/** The field at a place, or null. */
export function fieldAt(draft: Draft, place: FieldPlace): DraftField | null {
  return listAt(draft, place)?.[place.index] ?? null;
}

/**
 * A changed copy of the draft: `change` gets the list at the place to change in place (made when it
 * is missing: a journal's first entry field, a group's first field). Null when there is no such list.
 */
export function withList(draft: Draft, place: ListPlace, change: (list: DraftField[]) => void): Draft | null {
  if (!listAt(draft, place)) return null;
  const copy = structuredClone(draft);
  if (place.root === 'entryFields') copy.entryFields ??= [];
  const top = place.root === 'fields' ? copy.fields : copy.entryFields!;
  let list = top;
  if (place.group !== null) {
    const group = top[place.group]!;
    if (!Array.isArray(group.fields)) group.fields = [];
    list = group.fields as DraftField[];
  }
  change(list);
  return copy;
}

const maxKeyLength = 40;

/**
 * A field key made from its label: lower-case ASCII letters, digits and underscores ("Märkä tila" ->
 * "marka_tila"), starting with a letter, at most 40 characters, and not one of `taken` ("notes_2").
 */
export function keyFromLabel(label: string, taken: Iterable<string>): string {
  const ascii = label.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const base = cut(/^[a-z]/.test(ascii) ? ascii : `field${ascii ? `_${ascii}` : ''}`, maxKeyLength);
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `_${n}`;
    const candidate = cut(base, maxKeyLength - suffix.length) + suffix;
    if (!used.has(candidate)) return candidate;
  }
}

function cut(key: string, length: number): string {
  return key.slice(0, length).replace(/_+$/, '');
}

/** The keys of a list's fields, for keeping a new key unique among its siblings. */
export function keysOf(list: readonly DraftField[]): string[] {
  return list.map((field) => field.key).filter((key): key is string => typeof key === 'string');
}

/** Points the conditions of a list that follow the key `from` at the key `to` (a field's key was changed). */
export function renameShowIfs(list: DraftField[], from: unknown, to: string): void {
  for (const field of list) {
    const showIf = field.showIf as { field?: unknown } | undefined;
    if (showIf && showIf.field === from) field.showIf = { ...showIf, field: to };
  }
}
