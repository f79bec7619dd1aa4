// The buttons of a record's page: complete, reopen, delete, and appending a journal entry. Each goes
// through the writer or the journal (access checked and audited there) and answers with a 303 to the
// page; a refusal shows the page (or, for a record not yet complete, its form) again with the reason.
import type { Context } from 'koa';
import { formErrorsOf, formValue, tenantAccessOf, tenantParticipant, type PluginRuntime } from '../../../core/plugin-api.ts';
import { idParams } from '../routes/route-schemas.ts';
import { formTimeZoneOf } from './local-time.ts';
import { parseRecordForm } from './record-form-data.ts';
import { fieldProblems, showEditForm } from './record-form-page.ts';
import { showRecordPage } from './record-page.ts';
import { failure, partsOf, recordHref, redirectAfterPost, revisionOf, type PageRoute } from './page-support.ts';

const idOf = (params: unknown): string => (params as { id: string }).id;

/** Shows a refused action on the record's page, as it is now; 403 and 404 go to the error page. */
async function showRefusal(ctx: Context, runtime: PluginRuntime, id: string, thrown: unknown): Promise<void> {
  const { message, status } = formErrorsOf(thrown);
  if (status === 403 || status === 404) throw thrown;
  const conflict = status === 409 ? 'Someone else changed this record in the meantime: here it is as it is now. Check it, then try again.' : message;
  await showRecordPage(ctx, runtime, await partsOf(runtime).reader.view(ctx, id, { audit: false }), { flash: failure(conflict) }, status);
}

/**
 * Complete (status completed: locks the record) or Reopen (status draft: manage access). Completing a
 * record that misses required fields opens its form with each of them marked.
 */
function statusChangePage(status: 'completed' | 'draft'): PageRoute {
  const completing = status === 'completed';
  return {
    method: 'POST', path: `/t/:t/records/:id/${completing ? 'complete' : 'reopen'}`, policy: tenantParticipant, tags: ['web'], params: idParams,
    summary: completing ? 'Completes (locks) a record from its page; one missing required fields opens its form with each of them marked.' : 'Reopens a completed record as a draft (manage access).',
    async handler(ctx, { params, body }, runtime) {
      const id = idOf(params);
      try {
        await partsOf(runtime).writer.update(ctx, id, { status, revision: revisionOf(body) });
      } catch (thrown) {
        const { fields, status: refused } = formErrorsOf(thrown);
        if (!completing || refused !== 422) return showRefusal(ctx, runtime, id, thrown);
        const view = await partsOf(runtime).reader.view(ctx, id, { audit: false });
        return showEditForm(ctx, runtime, view, { errors: fields, message: 'The record cannot be completed yet: fill in the fields below, then press Complete.' }, 422);
      }
      redirectAfterPost(ctx, `${recordHref(ctx, id)}?changed=${completing ? 'completed' : 'reopened'}`);
    },
  };
}

/** POST routes behind a record page's buttons. */
export function recordActionPages(): PageRoute[] {
  return [
    statusChangePage('completed'),
    statusChangePage('draft'),
    {
      method: 'POST', path: '/t/:t/records/:id/delete', policy: tenantParticipant, tags: ['web'], params: idParams,
      summary: 'Deletes a record with its revisions, entries and shares (manage access) and goes to its folder.',
      async handler(ctx, { params }, runtime) {
        const id = idOf(params);
        const { reader, writer } = partsOf(runtime);
        const { record } = await reader.view(ctx, id, { audit: false });
        try {
          await writer.remove(ctx, id);
        } catch (thrown) {
          return showRefusal(ctx, runtime, id, thrown);
        }
        const slug = tenantAccessOf(ctx).tenant.slug;
        redirectAfterPost(ctx, record.folderId ? `/t/${slug}/folders/${record.folderId}` : `/t/${slug}/records`);
      },
    },
    {
      method: 'POST', path: '/t/:t/records/:id/entries', policy: tenantParticipant, tags: ['web'], params: idParams,
      summary: 'Appends an entry (or a correction of one) to a journal from its page.',
      async handler(ctx, { params, body }, runtime) {
        const id = idOf(params);
        const { reader, journal } = partsOf(runtime);
        const view = await reader.view(ctx, id, { audit: false });
        const { data, values } = parseRecordForm(view.template.definition.entryFields ?? [], body, { zone: formTimeZoneOf(formValue(body, '_timeZone'), formValue(body, '_tzOffset')) });
        const text = formValue(body, 'text');
        const corrects = formValue(body, 'corrects') || undefined;
        let entry;
        try {
          entry = await journal.append(ctx, id, { text, data, ...(corrects ? { corrects } : {}) });
        } catch (thrown) {
          const { fields, message, status } = formErrorsOf(thrown);
          if (status === 403 || status === 404) throw thrown;
          const shown = status === 422 ? 'The entry was not added: check the fields below.' : message;
          const errors = { ...fieldProblems(view.template.definition.entryFields ?? [], data, !corrects), ...fields };
          return showRecordPage(ctx, runtime, view, { entryForm: { text, values, errors, message: shown, ...(corrects ? { corrects } : {}) } }, status);
        }
        redirectAfterPost(ctx, `${recordHref(ctx, id)}?${corrects ? `saved=correction&of=${encodeURIComponent(corrects)}` : 'saved=entry'}#entry-${entry.id}`);
      },
    },
  ];
}
