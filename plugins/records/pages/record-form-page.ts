// The record form: a new record from a template in a folder, and editing one. Refusals show the form
// again with every value as typed, each error beside its field and a summary at the top; success goes to
// the record's page (303), which clears the form's autosaved copy.
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError, formErrorsOf, formValue, tenantAccessOf, tenantParticipant, type PluginRuntime } from '../../../core/plugin-api.ts';
import { initialData, validateRecordData } from '../services/record-data.ts';
import { dataRefusal, recordTitle, signatureReferences } from '../services/record-input.ts';
import { requireRecordPlace } from '../services/record-access.ts';
import type { RecordView } from '../services/record-reader.ts';
import type { StoredRecord } from '../services/record-store.ts';
import type { TemplateField } from '../services/template-types.ts';
import type { TemplateVersion } from '../services/template-store.ts';
import { idParams, objectId, tenantParams } from '../routes/route-schemas.ts';
import { errorSummary, type ErrorSummary } from './error-summary.ts';
import { fieldControls } from './field-controls.ts';
import { formTimeZoneOf } from './local-time.ts';
import { parseRecordForm, type FormUploads, type FormValues } from './record-form-data.ts';
import { chooseFilesAgain, readRecordFormSubmission } from './record-form-submission.ts';
import { formValuesOf } from './record-form-values.ts';
import { recordPermissions } from './record-permissions.ts';
import {
  autosaveKey, partsOf, recordBreadcrumbs, recordFormScripts, recordHref, recordsBase, recordsFragment, recordStyles, redirectAfterPost, revisionOf, sendRecordsPage, type PageRoute,
} from './page-support.ts';

/** What the form is drawn from: a new record's template and place, or the record being edited, and the values and errors to show. */
export interface RecordFormState {
  template: TemplateVersion;
  folderId: string | null;
  record?: StoredRecord;
  title: string;
  values: FormValues;
  errors?: Record<string, string>;
  /** The sentence above the errors, or the conflict's. */
  message?: string;
  /** The revision the form saves over (edit). */
  revision?: number;
  /** After a conflict: what changed since the revision the form was opened on. */
  conflictHref?: string;
  /** The attached files ticked for removal (a form shown again). */
  removedFiles?: ReadonlySet<string>;
  /** Files were chosen with the refused save: the form says they must be chosen again. */
  filesNotKept?: boolean;
}

const newRecordQuery = z.object({ templateId: objectId, folderId: objectId.optional() });
const refusedSave = 'The record was not saved: check the fields below.';
const conflictMessage = (revision: number): string => `Someone else saved this record while you were working on it (it is now at revision ${revision}). What you typed is below and not saved yet: look at their change, then save again to replace it with yours.`;

/** Draws the record form (new or edit) with its values, errors and summary. */
export async function showRecordForm(ctx: Context, runtime: PluginRuntime, state: RecordFormState, status = 200): Promise<void> {
  const { record, template } = state;
  const errors = state.errors ?? {};
  const { tenant } = tenantAccessOf(ctx);
  const slug = tenant.slug;
  const files = record ? await partsOf(runtime).deps.files.ofRecord(tenant.id, record.id) : [];
  const controls = fieldControls(template.definition.fields, 'data', {
    values: state.values, errors,
    signatures: record ? signatureReferences(template.definition.fields, record.data) : new Map(),
    signatureSrc: (signatureId) => `/api/v1/t/${slug}/records/${record?.id}/signatures/${signatureId}`,
    uploads: {
      files: new Map(files.map((file) => [file.id, file])), removed: state.removedFiles ?? new Set(), fileHref: (fileId) => `/api/v1/t/${slug}/files/${fileId}`,
      maxFileBytes: runtime.kirjuri.files.maxFileBytes,
    },
  });
  const summary: ErrorSummary | null = state.message ? errorSummary(state.message, errors, controls, { title: { id: 'field-title', label: 'Title' } }) : null;
  const heading = record ? `Edit ${record.title}` : `New ${template.definition.name}`;
  const tail = record ? [{ href: recordHref(ctx, record.id), label: record.title }, { href: '', label: 'Edit' }] : [{ href: '', label: heading }];
  sendRecordsPage(ctx, runtime, 'form', {
    title: heading, heading, record, templateName: template.definition.name, templateVersion: template.version, summary, conflictHref: state.conflictHref,
    filesNote: state.filesNotKept ? chooseFilesAgain : null,
    action: record ? `${recordHref(ctx, record.id)}/edit` : `${recordsBase(ctx)}/new`,
    templateId: template.templateId, folderId: state.folderId ?? '', revision: state.revision,
    autosaveKey: autosaveKey(ctx, record ?? { templateId: template.templateId, folderId: state.folderId }),
    savedAt: record ? new Date(record.updatedAt).toISOString() : '',
    titleValue: state.title, titleError: errors.title, fields: recordsFragment(ctx, runtime, 'parts/fields', { controls }),
    offerDraft: !record || record.status === 'draft', offerComplete: !record || record.status === 'draft',
    breadcrumbs: await recordBreadcrumbs(ctx, runtime, state.folderId, tail),
  }, { styles: recordStyles, scripts: recordFormScripts }, status);
}

/** The edit form of a record as stored, for someone who may change it (403 otherwise). */
export async function showEditForm(ctx: Context, runtime: PluginRuntime, view: RecordView, extra: Partial<RecordFormState> = {}, status = 200): Promise<void> {
  if (!recordPermissions(view).edit) throw new AppError(403, 'forbidden', view.record.status === 'completed' ? 'This record is completed: only someone who manages it can change it, or reopen it first.' : 'You may read this record but not change it.');
  const { record, template } = view;
  await showRecordForm(ctx, runtime, {
    template, record, folderId: record.folderId, title: record.title, values: formValuesOf(template.definition.fields, record.data), revision: record.revision, ...extra,
  }, status);
}

/** The attached files a submitted form ticked for removal (its `_removeFile` checkboxes). */
function removedFilesOf(body: unknown): Set<string> {
  const ticked = body && typeof body === 'object' ? (body as Record<string, unknown>)._removeFile : undefined;
  const list: unknown[] = Array.isArray(ticked) ? ticked : ticked && typeof ticked === 'object' ? Object.values(ticked) : [ticked];
  return new Set(list.filter((id): id is string => typeof id === 'string' && id !== ''));
}

/** The title, data and button of a submitted record form, with what it does to the fields' files. */
function readSubmission(body: unknown, fields: readonly TemplateField[], previous: Record<string, unknown>, chosen: ReadonlySet<string>): {
  title: string; data: Record<string, unknown>; values: FormValues; action: 'draft' | 'save' | 'complete'; removed: Set<string>;
} {
  const zone = formTimeZoneOf(formValue(body, '_timeZone'), formValue(body, '_tzOffset'));
  const removed = removedFilesOf(body);
  const uploads: FormUploads = { chosen, removed };
  const { data, values } = parseRecordForm(fields, body, { zone, previous, uploads });
  const pressed = formValue(body, '_action');
  return { title: formValue(body, 'title'), data, values, action: pressed === 'complete' || pressed === 'save' ? pressed : 'draft', removed };
}

/** A file refusal of the form (type, size, field): shown beside its field, with the sentence at the top. */
function fileRefusalShown(refusal: AppError): { errors: Record<string, string>; message: string } {
  const fields = (refusal.details as { fields?: Record<string, string> }).fields;
  return fields && Object.keys(fields).length > 0 ? { errors: fields, message: refusedSave } : { errors: {}, message: `The record was not saved: ${refusal.message}` };
}

/**
 * The problems of form data by control name, as the writer would name them. For refusals that stop at
 * another part of the form first (a title, an entry's text), so that every problem shows at once.
 */
export function fieldProblems(fields: readonly TemplateField[], data: Record<string, unknown>, complete: boolean): Record<string, string> {
  const checked = validateRecordData(fields, data, { requireComplete: complete });
  return checked.ok ? {} : (dataRefusal(checked.errors).details as { fields: Record<string, string> }).fields;
}

/** A title the writer would refuse, refused here with the data's own problems. */
function titleProblems(title: string, fields: readonly TemplateField[], data: Record<string, unknown>, complete: boolean): Record<string, string> | null {
  const checked = recordTitle.safeParse(title);
  return checked.success ? null : { title: checked.error.issues[0]!.message, ...fieldProblems(fields, data, complete) };
}

/** A new record's form leaves out what was cleared; the writer would put a field's default back in its place, so a cleared one is sent as null (no value). */
function keepClearedDefaults(fields: readonly TemplateField[], data: Record<string, unknown>): Record<string, unknown> {
  const sent = { ...data };
  for (const field of fields) if (field.default !== undefined && field.type !== 'score' && !Object.hasOwn(sent, field.key)) sent[field.key] = null;
  return sent;
}

/** A refusal the form can show (422, 409 and the like); a 403 or 404 goes to the error page. */
function shownRefusal(thrown: unknown): { fields: Record<string, string>; message: string; status: number; revision?: number } {
  const refusal = formErrorsOf(thrown);
  if (refusal.status === 403 || refusal.status === 404) throw thrown;
  const revision = (thrown as { details?: { revision?: unknown } }).details?.revision;
  return { ...refusal, ...(typeof revision === 'number' ? { revision } : {}) };
}

/** The record form's routes: new (GET form, POST create) and edit (GET form, POST save). */
export function recordFormPages(): PageRoute[] {
  return [
    {
      method: 'GET', path: '/t/:t/records/new', policy: tenantParticipant, tags: ['web'], params: tenantParams, query: newRecordQuery,
      summary: 'The form of a new record from a template, in a folder (or at the top).',
      async handler(ctx, { query }, runtime) {
        const { templateId, folderId } = query as z.infer<typeof newRecordQuery>;
        await requireRecordPlace(ctx, folderId ?? null);
        const template = await partsOf(runtime).writer.currentVersion(tenantAccessOf(ctx).tenant.id, templateId);
        const { fields } = template.definition;
        const today = new Date().toISOString().slice(0, 10);
        await showRecordForm(ctx, runtime, { template, folderId: folderId ?? null, title: `${template.definition.name} ${today}`, values: formValuesOf(fields, initialData(fields)) });
      },
    },
    {
      method: 'POST', path: '/t/:t/records/new', policy: tenantParticipant, tags: ['web'], params: tenantParams, streamBody: 'form',
      summary: 'Makes a record from the new-record form (Save draft, Save, or Complete) with the photos and files chosen in it, and goes to it.',
      async handler(ctx, _input, runtime) {
        const { writer, uploads } = partsOf(runtime);
        // The template and place come before the first file: files are stored only where the caller may make a record.
        let place: Promise<{ template: TemplateVersion; folderId: string | null }> | undefined;
        const placeOf = (valueOf: (name: string) => string) => (place ??= (async () => {
          const folderId = valueOf('folderId') || null;
          await requireRecordPlace(ctx, folderId);
          return { template: await writer.currentVersion(tenantAccessOf(ctx).tenant.id, valueOf('templateId')), folderId };
        })());
        const submission = await readRecordFormSubmission(ctx, runtime, uploads, async (fieldsSoFar) => (await placeOf((name) => fieldsSoFar.find(([key]) => key === name)?.[1] ?? '')).template.definition.fields);
        const { body, chosen, refusal: fileRefusal } = submission;
        let filed = false;
        try {
          const { template, folderId } = await placeOf((name) => formValue(body, name));
          const { fields } = template.definition;
          const { title, data, values, action, removed } = readSubmission(body, fields, {}, chosen.ids);
          const state: RecordFormState = { template, folderId, title, values, removedFiles: removed, filesNotKept: chosen.count > 0 || fileRefusal !== null };
          if (fileRefusal) return showRecordForm(ctx, runtime, { ...state, ...fileRefusalShown(fileRefusal) }, fileRefusal.status);
          const problems = titleProblems(title, fields, data, action !== 'draft');
          if (problems) return showRecordForm(ctx, runtime, { ...state, errors: problems, message: refusedSave }, 422);
          let record: StoredRecord;
          try {
            record = await writer.create(ctx, { templateId: template.templateId, folderId, title: title.trim(), data: keepClearedDefaults(fields, data), draft: action === 'draft', ...(chosen.count > 0 ? { files: chosen } : {}) });
          } catch (thrown) {
            const refusal = shownRefusal(thrown);
            return showRecordForm(ctx, runtime, { ...state, errors: refusal.fields, message: refusal.status === 422 ? refusedSave : refusal.message }, refusal.status);
          }
          filed = true;
          await chosen.announce();
          if (action === 'complete') {
            try {
              await writer.update(ctx, record.id, { status: 'completed', revision: record.revision });
            } catch (thrown) {
              const refusal = shownRefusal(thrown);
              // Its files were saved with it: the form lists them now.
              return showRecordForm(ctx, runtime, {
                ...state, record, revision: record.revision, values: formValuesOf(fields, record.data), filesNotKept: false, errors: refusal.fields, message: `The record was saved as a draft but not completed: ${refusal.message}`,
              }, refusal.status);
            }
          }
          redirectAfterPost(ctx, `${recordHref(ctx, record.id)}?saved=new`);
        } finally {
          if (!filed) await chosen.discard();
        }
      },
    },
    {
      method: 'GET', path: '/t/:t/records/:id/edit', policy: tenantParticipant, tags: ['web'], params: idParams,
      summary: 'The form of a record, to change it (edit access to a draft, manage access to a completed record).',
      async handler(ctx, { params }, runtime) {
        await showEditForm(ctx, runtime, await partsOf(runtime).reader.view(ctx, (params as { id: string }).id));
      },
    },
    {
      method: 'POST', path: '/t/:t/records/:id/edit', policy: tenantParticipant, tags: ['web'], params: idParams, streamBody: 'form',
      summary: 'Saves the record form as a new revision (Save draft, Save, or Complete) with the photos and files chosen and removed in it; a save over a newer revision shows the form again (409).',
      async handler(ctx, { params }, runtime) {
        const id = (params as { id: string }).id;
        const { reader, writer, uploads } = partsOf(runtime);
        const view = await reader.view(ctx, id, { audit: false });
        const { fields } = view.template.definition;
        const { body, chosen, refusal: fileRefusal } = await readRecordFormSubmission(ctx, runtime, uploads, async () => {
          if (!recordPermissions(view).edit) throw new AppError(403, 'forbidden', 'You may read this record but not change it, so no file can be added to it.');
          return fields;
        });
        let filed = false;
        try {
          const { title, data, values, action, removed } = readSubmission(body, fields, view.record.data, chosen.ids);
          const revision = revisionOf(body);
          const typed: Partial<RecordFormState> = { title, values, revision, removedFiles: removed, filesNotKept: chosen.count > 0 || fileRefusal !== null };
          if (fileRefusal) return showEditForm(ctx, runtime, view, { ...typed, ...fileRefusalShown(fileRefusal) }, fileRefusal.status);
          const problems = titleProblems(title, fields, data, action !== 'draft' || view.record.status === 'completed');
          if (problems) return showEditForm(ctx, runtime, view, { ...typed, errors: problems, message: refusedSave }, 422);
          try {
            await writer.update(ctx, id, { title: title.trim(), data, revision, draft: action === 'draft', ...(action === 'complete' ? { status: 'completed' as const } : {}), ...(chosen.count > 0 ? { files: chosen } : {}) });
          } catch (thrown) {
            const refusal = shownRefusal(thrown);
            if (refusal.status === 409 && refusal.revision !== undefined) {
              const current = await reader.view(ctx, id, { audit: false });
              return showEditForm(ctx, runtime, current, { ...typed, revision: refusal.revision, message: conflictMessage(refusal.revision), ...(revision > 0 ? { conflictHref: `${recordHref(ctx, id)}/diff?from=${revision}&to=${refusal.revision}` } : {}) }, 409);
            }
            const message = refusal.status === 422 ? (action === 'complete' ? 'The record cannot be completed yet: check the fields below.' : refusedSave) : refusal.message;
            return showEditForm(ctx, runtime, view, { ...typed, errors: refusal.fields, message }, refusal.status);
          }
          filed = true;
          await chosen.announce();
          redirectAfterPost(ctx, `${recordHref(ctx, id)}?saved=${action === 'complete' ? 'completed' : 'saved'}`);
        } finally {
          if (!filed) await chosen.discard();
        }
      },
    },
  ];
}
