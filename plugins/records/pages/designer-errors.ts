// The template parser's errors, by path ('fields[3].options[1].value'), sorted onto the designer's page:
// each field's card gets those of its own properties beside the control they concern, the rest go to
// the template's details or to the top of its lists. Paths inside messages ("is already used by
// fields[1]") are written as the designer shows them ("field 2, Site").
import type { FieldErrors } from '../services/template-definition.ts';
import { labelOf } from './field-facts.ts';
import { fieldAt, parseFieldPlace, type Draft } from './draft-fields.ts';

/** The controls of a field card that an error can stand beside; `other` is the top of the card. */
export const cardControls = ['label', 'key', 'type', 'required', 'help', 'default', 'options', 'min', 'max', 'unit', 'multiple', 'accept', 'showIfField', 'showIfEquals', 'fields', 'other'] as const;
export type CardControl = (typeof cardControls)[number];

/** The errors of one card, by control. */
export type CardErrors = Partial<Record<CardControl, string>>;

/** Every error of a draft, sorted onto the page. */
export interface SortedErrors {
  /** By field path ('fields[3]'). */
  cards: Map<string, CardErrors>;
  /** By the template's own property: name, description, kind, fields, entryFields, template. */
  general: Record<string, string>;
  count: number;
}

const cardPath = /^((?:fields|entryFields)\[\d+\](?:\.fields\[\d+\])?)(?:\.(.+))?$/;
const plainControls = new Set<string>(['label', 'key', 'type', 'required', 'help', 'default', 'min', 'max', 'unit', 'multiple', 'fields']);

/** Sorts the parser's errors of `draft` onto its cards and sections. */
export function sortErrors(errors: FieldErrors, draft: Draft): SortedErrors {
  const cards = new Map<string, CardErrors>();
  const general: Record<string, string> = {};
  const add = (target: Record<string, string>, control: string, message: string): void => {
    target[control] = target[control] ? `${target[control]}; ${message}` : message;
  };
  for (const [path, raw] of Object.entries(errors)) {
    const message = readable(raw, draft);
    const match = cardPath.exec(path);
    if (!match) {
      add(general, path, message);
      continue;
    }
    const [, at, rest = ''] = match;
    const card = cards.get(at!) ?? {};
    cards.set(at!, card);
    const { control, text } = controlOf(rest, message);
    add(card as Record<string, string>, control, text);
  }
  return { cards, general, count: Object.keys(errors).length };
}

/** Which control of a card an error at `rest` (the path after the field's) stands beside, and how it reads there. */
function controlOf(rest: string, message: string): { control: CardControl; text: string } {
  const property = rest.split(/[.[]/)[0]!;
  if (plainControls.has(rest)) return { control: rest as CardControl, text: message };
  if (property === 'options') {
    const line = /^options\[(\d+)\](?:\.(value|label))?$/.exec(rest);
    if (!line) return { control: 'options', text: message };
    return { control: 'options', text: `line ${Number(line[1]) + 1}${line[2] ? `, its ${line[2]},` : ''} ${message}` };
  }
  if (property === 'accept') {
    const entry = /^accept\[(\d+)\]$/.exec(rest);
    return { control: 'accept', text: entry ? `entry ${Number(entry[1]) + 1} ${message}` : message };
  }
  if (rest === 'showIf.equals') return { control: 'showIfEquals', text: message };
  if (property === 'showIf') return { control: 'showIfField', text: message };
  return { control: 'other', text: rest === '' ? message : `${rest} ${message}` };
}

const fieldReference = /\b(?:fields|entryFields)\[\d+\](?:\.fields\[\d+\])?/g;
const optionReference = /\boptions\[(\d+)\]/g;

/** A parser message with the paths it names written as the designer shows them. */
function readable(message: string, draft: Draft): string {
  return message
    .replace(fieldReference, (path) => {
      const place = parseFieldPlace(path);
      const field = place && fieldAt(draft, place);
      return field && place ? `field ${place.index + 1} (${labelOf(field)})` : path;
    })
    .replace(optionReference, (_match, index: string) => `line ${Number(index) + 1}`);
}
