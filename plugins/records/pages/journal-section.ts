// A journal's part of its record page: the entries in the order they were written (the latest page
// first shown, with the form to append right below it), and the entry form, which also corrects an entry.
import type { Context } from 'koa';
import { tenantAccessOf, type PluginRuntime } from '../../../core/plugin-api.ts';
import type { JournalEntry } from '../services/journal-store.ts';
import type { RecordView } from '../services/record-reader.ts';
import { errorSummary, type ErrorSummary } from './error-summary.ts';
import { fieldControls } from './field-controls.ts';
import type { FormValues } from './record-form-data.ts';
import { formValuesOf } from './record-form-values.ts';
import { readableItems, type ReadableItem, type SignatureSource } from './record-readable.ts';
import { autosaveKey, partsOf, recordHref, recordsFragment } from './page-support.ts';

/** The entry form as typed (shown again after a refusal), or as a correction starts. */
export interface EntryFormState {
  text: string;
  values: FormValues;
  errors?: Record<string, string>;
  /** The id of the entry being corrected. */
  corrects?: string;
  message?: string;
}

interface EntryView {
  id: string; seq: number; at: string; authorName: string; text: string; items: ReadableItem[];
  corrects: { id: string; seq: number | null } | null; correctedBy: Array<{ id: string; seq: number }>; correctHref: string | null;
}

/** The journal section's data for the record view: entries, paging links and (for who may append) the entry form. */
export interface JournalSection {
  entries: EntryView[];
  earlierHref: string | null;
  laterHref: string | null;
  form: {
    action: string; autosaveKey: string; savedAt: string; heading: string; text: string; textError?: string; corrects: string;
    fields: string; summary: ErrorSummary | null; cancelHref: string | null;
  } | null;
}

/** How many entries a page of the journal shows. */
export const entriesPerPage = 50;

/** The autosave key of a journal's entry form: one for new entries, one per entry being corrected. */
export const entryAutosaveKey = (ctx: Context, recordId: string, corrects?: string): string => `${autosaveKey(ctx, { id: recordId })}:entry${corrects ? `:${corrects}` : ''}`;

/**
 * The journal part of a record page. `after` pages through the entries (by number); without it the
 * latest page shows. `correct` starts the entry form as a correction of that entry; `form` is the form as typed.
 */
export async function journalSection(ctx: Context, runtime: PluginRuntime, view: RecordView, options: { after?: number; correct?: string; form?: EntryFormState; canAppend: boolean; signatureSrc: SignatureSource }): Promise<JournalSection> {
  const { deps, journal } = partsOf(runtime);
  const { record, template } = view;
  const entryFields = template.definition.entryFields ?? [];
  const href = recordHref(ctx, record.id);
  const lastSeq = await deps.journal.lastSeq(record.tenantId, record.id);
  const after = Math.min(options.after ?? Math.max(0, lastSeq - entriesPerPage), lastSeq);
  const entries = await journal.list(ctx, record.id, { afterSeq: after, limit: entriesPerPage });
  const names = await runtime.services.get('core.people').names(entries.flatMap((entry) => (entry.authorId ? [entry.authorId] : [])));
  const seqOf = new Map(entries.map((entry) => [entry.id, entry.seq]));
  const correctedBy = new Map<string, Array<{ id: string; seq: number }>>();
  for (const entry of entries) if (entry.correctsId) correctedBy.set(entry.correctsId, [...(correctedBy.get(entry.correctsId) ?? []), { id: entry.id, seq: entry.seq }]);
  const last = entries.at(-1)?.seq ?? after;
  return {
    entries: entries.map((entry) => ({
      id: entry.id, seq: entry.seq, at: new Date(entry.createdAt).toISOString(), authorName: (entry.authorId && names.get(entry.authorId)) || 'someone no longer here', text: entry.text,
      items: readableItems(entryFields, entry.data, options.signatureSrc, { filledOnly: true }),
      corrects: entry.correctsId ? { id: entry.correctsId, seq: seqOf.get(entry.correctsId) ?? null } : null,
      correctedBy: correctedBy.get(entry.id) ?? [],
      correctHref: options.canAppend ? `${href}?correct=${entry.id}#entry-form` : null,
    })),
    earlierHref: after > 0 ? `${href}?after=${Math.max(0, after - entriesPerPage)}#entries` : null,
    laterHref: last < lastSeq ? `${href}?after=${last}#entries` : null,
    form: options.canAppend ? await entryForm(ctx, runtime, view, options) : null,
  };
}

async function entryForm(ctx: Context, runtime: PluginRuntime, view: RecordView, options: { correct?: string; form?: EntryFormState }): Promise<JournalSection['form']> {
  const { record, template } = view;
  const entryFields = template.definition.entryFields ?? [];
  let state: EntryFormState = options.form ?? { text: '', values: new Map() };
  let corrected: JournalEntry | null = null;
  const correcting = state.corrects ?? options.correct;
  if (correcting) corrected = await partsOf(runtime).deps.journal.find(tenantAccessOf(ctx).tenant.id, record.id, correcting);
  // A correction starts from the entry it corrects: change what was wrong, leave the rest.
  if (corrected && !options.form) state = { text: corrected.text, values: formValuesOf(entryFields, corrected.data), corrects: corrected.id };
  const errors = state.errors ?? {};
  const controls = fieldControls(entryFields, 'data', { values: state.values, errors });
  return {
    // No server time to compare the copy with: someone else's entry does not make what this person typed stale, so
    // the copy stays until their own entry is added (its page clears it).
    action: `${recordHref(ctx, record.id)}/entries`, autosaveKey: entryAutosaveKey(ctx, record.id, corrected?.id), savedAt: '',
    heading: corrected ? `Correct entry ${corrected.seq}` : 'New entry', text: state.text, ...(errors.text ? { textError: errors.text } : {}), corrects: corrected?.id ?? '',
    fields: recordsFragment(ctx, runtime, 'parts/fields', { controls }),
    summary: state.message ? errorSummary(state.message, errors, controls, { text: { id: 'field-text', label: 'Entry' } }) : null,
    cancelHref: corrected ? `${recordHref(ctx, record.id)}#entry-form` : null,
  };
}
