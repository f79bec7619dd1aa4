// The list of the tenant's records the caller may see, with filters, sort and keyset pages, read with
// reader.list exactly as GET /api/v1/t/:t/records reads it.
import type { Context } from 'koa';
import { z } from 'zod';
import { authenticationOf, decodeCursor, encodeCursor, roleAtLeast, tenantAccessOf, tenantParticipant } from '../../../core/plugin-api.ts';
import type { RecordListFilter } from '../services/record-list-query.ts';
import { recordSorts, type RecordSort } from '../services/record-list-query.ts';
import { calendarDateOf } from '../services/time-values.ts';
import { recordCursor, tenantParams } from '../routes/route-schemas.ts';
import { newRecordFormHtml, recordListHtml, tenantTemplates } from './record-summaries.ts';
import { partsOf, recordsBase, recordStyles, sendRecordsPage, type PageRoute } from './page-support.ts';

const text = (max: number) => z.string().max(max).optional();
// Every filter is text as the filter form sends it; an empty one means "any".
const listPageQuery = z.object({
  folderId: text(64), templateId: text(64), status: text(20), author: text(64), from: text(20), to: text(20), q: text(200), sort: text(20), cursor: text(1000),
});
type ListPageQuery = z.infer<typeof listPageQuery>;

const pageSize = 50;
const dayMs = 86_400_000;
const sortLabels: Record<RecordSort, string> = { updated: 'Last changed first', created: 'Newest first', title: 'Title, A to Z' };

/** The reader's filter from the form's texts, and a problem beside each text that is not a filter. */
function filterOf(query: ListPageQuery): { filter: RecordListFilter; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const day = (name: 'from' | 'to'): number | undefined => {
    const value = given(query[name]);
    if (value === undefined) return undefined;
    if (calendarDateOf(value) === null) errors[name] = 'must be a date such as 2026-11-30';
    return Date.parse(`${value}T00:00:00Z`);
  };
  const status = given(query.status);
  if (status !== undefined && status !== 'draft' && status !== 'completed') errors.status = 'must be draft or completed';
  const sort = given(query.sort) ?? 'updated';
  if (!(recordSorts as readonly string[]).includes(sort)) errors.sort = `must be one of ${recordSorts.join(', ')}`;
  const from = day('from');
  const to = day('to');
  // "Made until 30 November" includes that day.
  const filter: RecordListFilter = {
    folderId: given(query.folderId), templateId: given(query.templateId), status: status as RecordListFilter['status'], ownerId: given(query.author), q: given(query.q),
    sort: sort as RecordSort, from, to: to === undefined ? undefined : to + dayMs,
  };
  return { filter, errors };
}

/** The options of a select, with "any" first. */
const choices = (any: string, options: Array<{ value: string; label: string }>) => [{ value: '', label: any }, ...options];

async function showList(ctx: Context, runtime: Parameters<PageRoute['handler']>[2], query: ListPageQuery): Promise<void> {
  const { role } = tenantAccessOf(ctx);
  const { user } = authenticationOf(ctx);
  const { filter, errors } = filterOf(query);
  const valid = Object.keys(errors).length === 0;
  const page = valid ? await partsOf(runtime).reader.list(ctx, filter, { limit: pageSize, after: decodeCursor(query.cursor, recordCursor) }) : { items: [], next: null };
  const templates = await tenantTemplates(ctx, runtime);
  const values = { ...query, sort: filter.sort };
  const authors = [{ value: user.id, label: `Me (${user.name})` }];
  if (filter.ownerId && filter.ownerId !== user.id) {
    const name = (await runtime.services.get('core.people').names([filter.ownerId])).get(filter.ownerId);
    authors.push({ value: filter.ownerId, label: name ?? 'Someone else' });
  }
  const kept = Object.entries({ ...query, cursor: undefined }).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  const folder = valid && filter.folderId ? await runtime.services.get('core.folders').find(tenantAccessOf(ctx).tenant.id, filter.folderId) : null;
  sendRecordsPage(ctx, runtime, 'list', {
    title: 'Records', values, errors, folderId: filter.folderId ?? '', folderName: folder?.name ?? null,
    filtering: !valid || ['templateId', 'status', 'author', 'from', 'to', 'q'].some((key) => Boolean(query[key as keyof ListPageQuery]?.trim())),
    clearFolderHref: `${recordsBase(ctx)}?${new URLSearchParams(kept.filter(([key]) => key !== 'folderId'))}`,
    templateOptions: choices('Any template', templates.map((template) => ({ value: template.id, label: template.name }))),
    statusOptions: choices('Any status', [{ value: 'draft', label: 'Draft' }, { value: 'completed', label: 'Completed' }]),
    authorOptions: choices('Anyone', authors),
    sortOptions: recordSorts.map((value) => ({ value, label: sortLabels[value] })),
    list: recordListHtml(ctx, runtime, page.items, templates, valid ? 'No records match.' : 'Correct the filters to see records.'),
    nextHref: page.next && `${recordsBase(ctx)}?${new URLSearchParams([...kept, ['cursor', encodeCursor({ ...page.next })]])}`,
    newRecordForm: role !== 'guest' && roleAtLeast(role, 'member') ? newRecordFormHtml(ctx, runtime, templates, null) : null,
  }, { styles: recordStyles }, valid ? 200 : 422);
}

/** GET /t/:t/records: every record the caller may see, filtered, sorted and a page at a time. */
export function recordListPage(): PageRoute {
  return {
    method: 'GET', path: '/t/:t/records', policy: tenantParticipant, tags: ['web'], params: tenantParams, query: listPageQuery,
    summary: 'The records you may see, with filters (template, status, author, made from/to, text), sort and pages.',
    handler: (ctx, { query }, runtime) => showList(ctx, runtime, query as ListPageQuery),
  };
}
