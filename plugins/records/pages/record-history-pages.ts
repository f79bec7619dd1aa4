// A record's history: every revision with its time, author and what made it, and the field-by-field
// difference between any two revisions.
import { z } from 'zod';
import { tenantAccessOf, tenantParticipant } from '../../../core/plugin-api.ts';
import type { RevisionChange } from '../services/record-store.ts';
import { idParams } from '../routes/route-schemas.ts';
import { fieldAtPath, readableValue, type ReadableValue } from './record-readable.ts';
import { partsOf, recordBreadcrumbs, recordHref, recordStyles, sendRecordsPage, type PageRoute } from './page-support.ts';

const changeLabels: Record<RevisionChange, string> = { created: 'Made', saved: 'Saved', completed: 'Completed', entry: 'Entry added', moved: 'Moved' };
const kindLabels = { added: 'Filled in', removed: 'Emptied', changed: 'Changed' } as const;
const statusLabels = { draft: 'Draft', completed: 'Completed' } as const;
const diffQuery = z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) });
const someone = 'someone no longer here';

/** The history and diff pages of a record. */
export function recordHistoryPages(): PageRoute[] {
  return [
    {
      method: 'GET', path: '/t/:t/records/:id/history', policy: tenantParticipant, tags: ['web'], params: idParams,
      summary: 'Every saved revision of a record, newest first, with time, author and what made it, and links to compare them.',
      async handler(ctx, { params }, runtime) {
        const id = (params as { id: string }).id;
        const { reader } = partsOf(runtime);
        const { record } = await reader.view(ctx, id, { audit: false });
        const revisions = await reader.revisions(ctx, id);
        const names = await runtime.services.get('core.people').names(revisions.flatMap((revision) => (revision.authorId ? [revision.authorId] : [])));
        const href = recordHref(ctx, id);
        sendRecordsPage(ctx, runtime, 'history', {
          title: `History of ${record.title}`, record, href,
          revisions: revisions.map((revision) => ({
            revision: revision.revision, at: new Date(revision.createdAt).toISOString(), authorName: (revision.authorId && names.get(revision.authorId)) || someone,
            change: changeLabels[revision.change], title: revision.title, status: statusLabels[revision.status], score: revision.score === null ? null : `${revision.score} %`,
            compareHref: revision.revision > 1 ? `${href}/diff?from=${revision.revision - 1}&to=${revision.revision}` : null,
          })),
          options: revisions.map((revision) => ({ value: String(revision.revision), label: `Revision ${revision.revision}` })),
          from: String(revisions[1]?.revision ?? 1), to: String(revisions[0]?.revision ?? 1),
          breadcrumbs: await recordBreadcrumbs(ctx, runtime, record.folderId, [{ href, label: record.title }, { href: '', label: 'History' }]),
        }, { styles: recordStyles });
      },
    },
    {
      method: 'GET', path: '/t/:t/records/:id/diff', policy: tenantParticipant, tags: ['web'], params: idParams, query: diffQuery,
      summary: 'What changed between two revisions of a record: title, status and each field, before and after.',
      async handler(ctx, { params, query }, runtime) {
        const id = (params as { id: string }).id;
        const { from, to } = query as z.infer<typeof diffQuery>;
        const { view, diff } = await partsOf(runtime).reader.diff(ctx, id, from, to);
        const { fields } = view.template.definition;
        const slug = tenantAccessOf(ctx).tenant.slug;
        const signatureSrc = (signatureId: string): string => `/api/v1/t/${slug}/records/${id}/signatures/${signatureId}`;
        const readable = (path: string, value: unknown): ReadableValue => {
          const field = fieldAtPath(fields, path);
          return field ? readableValue(field, value, signatureSrc) : { text: value === undefined ? 'Not filled in' : JSON.stringify(value), empty: value === undefined };
        };
        const names = await runtime.services.get('core.people').names([diff.from.authorId, diff.to.authorId].filter((author): author is string => author !== null));
        const side = (revision: typeof diff.from) => ({ revision: revision.revision, at: new Date(revision.createdAt).toISOString(), authorName: (revision.authorId && names.get(revision.authorId)) || someone });
        const href = recordHref(ctx, id);
        sendRecordsPage(ctx, runtime, 'diff', {
          title: `Changes to ${view.record.title}`, record: view.record, href, from: side(diff.from), to: side(diff.to),
          titleChange: diff.from.title === diff.to.title ? null : { before: diff.from.title, after: diff.to.title },
          statusChange: diff.from.status === diff.to.status ? null : { before: statusLabels[diff.from.status], after: statusLabels[diff.to.status] },
          changes: diff.changes.map((change) => ({ label: change.label, kind: kindLabels[change.kind], before: readable(change.path, change.before), after: readable(change.path, change.after) })),
          breadcrumbs: await recordBreadcrumbs(ctx, runtime, view.record.folderId, [{ href, label: view.record.title }, { href: `${href}/history`, label: 'History' }, { href: '', label: `Revisions ${from} and ${to}` }]),
        }, { styles: recordStyles });
      },
    },
  ];
}
