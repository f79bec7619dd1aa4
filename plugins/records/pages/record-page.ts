// A record's page: its fields for reading, status and score, the actions the caller's access allows,
// the Sharing panel for those who manage it, and for a journal its entries and the entry form.
import type { Context } from 'koa';
import { z } from 'zod';
import { tenantAccessOf, tenantParticipant, type PageLocals, type PluginRuntime } from '../../../core/plugin-api.ts';
import { measurementScore } from '../services/measurement-score.ts';
import type { RecordView } from '../services/record-reader.ts';
import { idParams, objectId } from '../routes/route-schemas.ts';
import { entryAutosaveKey, journalSection, type EntryFormState } from './journal-section.ts';
import { recordPermissions } from './record-permissions.ts';
import { readableItems } from './record-readable.ts';
import { autosaveKey, partsOf, recordBreadcrumbs, recordFormScripts, recordHref, recordStyles, sendRecordsPage, type PageRoute } from './page-support.ts';

/** What a record page shows besides the record: a message, the entry form as typed, the journal page. */
export interface RecordPageExtras {
  flash?: PageLocals['flash'];
  /** Set after a successful save: the message and the autosaved copies the server now has. */
  saved?: { message: string; clear: string[] };
  entryForm?: EntryFormState;
  correct?: string;
  after?: number;
}

const recordPageQuery = z.object({
  saved: z.enum(['new', 'saved', 'completed', 'entry', 'correction']).optional(),
  of: objectId.optional(),
  changed: z.enum(['completed', 'reopened']).optional(),
  correct: objectId.optional(),
  after: z.coerce.number().int().min(0).optional(),
});

const statusLabels = { draft: 'Draft', completed: 'Completed' } as const;
const changeMessages = { completed: 'Completed: the record is locked; a manager can reopen it.', reopened: 'Reopened: the record can be changed again.' } as const;

/** The message and autosave keys to clear after a form of this record was saved. */
function savedNotice(ctx: Context, view: RecordView, saved: NonNullable<z.infer<typeof recordPageQuery>['saved']>, of?: string): NonNullable<RecordPageExtras['saved']> {
  const { record } = view;
  const own = autosaveKey(ctx, record);
  switch (saved) {
    case 'new': return { message: 'The record was saved.', clear: [autosaveKey(ctx, { templateId: record.templateId, folderId: record.folderId }), own] };
    case 'saved': return { message: 'Saved.', clear: [own] };
    case 'completed': return { message: changeMessages.completed, clear: [own] };
    case 'entry': return { message: 'The entry was added.', clear: [entryAutosaveKey(ctx, record.id)] };
    case 'correction': return { message: 'The correction was added.', clear: of ? [entryAutosaveKey(ctx, record.id, of)] : [] };
  }
}

/** Draws a record's page with what the caller may do with it. */
export async function showRecordPage(ctx: Context, runtime: PluginRuntime, view: RecordView, extras: RecordPageExtras = {}, status = 200): Promise<void> {
  const { record, template } = view;
  const { fields, kind, name } = template.definition;
  const slug = tenantAccessOf(ctx).tenant.slug;
  const href = recordHref(ctx, record.id);
  const permissions = recordPermissions(view);
  const signatureSrc = (signatureId: string): string => `/api/v1/t/${slug}/records/${record.id}/signatures/${signatureId}`;
  const people = await runtime.services.get('core.people').names([record.ownerId, record.completedBy].filter((id): id is string => id !== null));
  const score = kind === 'measurement' ? measurementScore(fields, record.data) : null;
  const files = await partsOf(runtime).deps.files.ofRecord(record.tenantId, record.id);
  sendRecordsPage(ctx, runtime, 'record', {
    title: record.title, record, href, templateName: name, templateVersion: record.templateVersion, kind,
    statusLabel: statusLabels[record.status], completed: record.status === 'completed',
    createdAt: new Date(record.createdAt).toISOString(), updatedAt: new Date(record.updatedAt).toISOString(),
    completedAt: record.completedAt === null ? null : new Date(record.completedAt).toISOString(),
    ownerName: record.ownerId ? people.get(record.ownerId) ?? null : null, completedByName: record.completedBy ? people.get(record.completedBy) ?? null : null,
    score: score && { ...score, percentText: score.percent === null ? 'No observations yet' : `${score.percent} %` },
    items: readableItems(fields, record.data, signatureSrc, { files: { byId: new Map(files.map((file) => [file.id, file])), href: (fileId) => `/api/v1/t/${slug}/files/${fileId}` } }), permissions, saved: extras.saved ?? null,
    journal: kind === 'journal' ? await journalSection(ctx, runtime, view, { after: extras.after, correct: extras.correct, form: extras.entryForm, canAppend: permissions.edit, signatureSrc }) : null,
    share: permissions.manage ? await runtime.services.get('core.shares').panel(ctx, { type: 'record', id: record.id, back: href }) : null,
    breadcrumbs: await recordBreadcrumbs(ctx, runtime, record.folderId, [{ href, label: record.title }]),
  }, { styles: recordStyles, scripts: recordFormScripts, ...(extras.flash ? { flash: extras.flash } : {}) }, status);
}

/** GET /t/:t/records/:id: the record's page (the view is audited). */
export function recordPage(): PageRoute {
  return {
    method: 'GET', path: '/t/:t/records/:id', policy: tenantParticipant, tags: ['web'], params: idParams, query: recordPageQuery,
    summary: 'A record\'s page: its fields, status and score, its actions by your access, its sharing, and a journal\'s entries.',
    async handler(ctx, { params, query }, runtime) {
      const q = query as z.infer<typeof recordPageQuery>;
      const view = await partsOf(runtime).reader.view(ctx, (params as { id: string }).id);
      await showRecordPage(ctx, runtime, view, {
        ...(q.saved ? { saved: savedNotice(ctx, view, q.saved, q.of) } : {}),
        ...(q.changed ? { flash: [{ kind: 'success', message: changeMessages[q.changed] }] } : {}),
        correct: q.correct, after: q.after,
      });
    },
  };
}
