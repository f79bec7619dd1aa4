import { z } from 'zod';
import { decodeCursor, encodeCursor, listQueryFields, tenantParticipant, type PluginRuntime, type RouteDeclaration } from '../../../core/plugin-api.ts';
import { recordTitle } from '../services/record-input.ts';
import type { RecordListFilter } from '../services/record-list-query.ts';
import { entryJson, recordJson, recordSummaryJson, revisionJson } from './record-json.ts';
import { idParams, objectId, recordCursor, recordListQuery, tenantParams } from './route-schemas.ts';

type Route = RouteDeclaration<unknown, unknown, unknown, PluginRuntime>;
const parts = (runtime: PluginRuntime) => runtime.services.get('records.api').parts;
const revisionParams = z.strictObject({ t: z.string().min(1).max(63), id: objectId, n: z.coerce.number().int().min(1) });
const signatureParams = z.strictObject({ t: z.string().min(1).max(63), id: objectId, signatureId: objectId });

/** API.md's record routes: records, revisions and their differences, journal entries and signature images. */
export function recordRoutes(): Route[] {
  return [
    {
      method: 'GET', path: '/api/v1/t/:t/records', policy: tenantParticipant, tags: ['records'], params: tenantParams, query: recordListQuery,
      summary: 'Records you may see, newest change first: filters folderId, templateId, status, author, from/to (made), q (title and text fields); sort updated|created|title; keyset pages.',
      async handler(ctx, { query }, runtime) {
        const q = query as z.infer<typeof recordListQuery>;
        const filter: RecordListFilter = {
          folderId: q.folderId, templateId: q.templateId, status: q.status, ownerId: q.author, q: q.q, sort: q.sort,
          from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined,
        };
        const page = await parts(runtime).reader.list(ctx, filter, { limit: q.limit, after: decodeCursor(q.cursor, recordCursor) });
        ctx.body = { items: page.items.map(recordSummaryJson), nextCursor: page.next && encodeCursor({ ...page.next }) };
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/records', policy: tenantParticipant, tags: ['records'], params: tenantParams,
      body: z.strictObject({ templateId: objectId, folderId: objectId.nullable().optional(), title: recordTitle, data: z.unknown().optional(), draft: z.boolean().optional() }),
      summary: 'Makes a record from a template\'s current version in a folder you may edit; data is checked against the template (422 naming each failing key; `draft: true` lets required fields wait).',
      responses: { 201: 'The record.', 403: 'Not allowed here.', 404: 'No such folder.', 422: 'The data breaks the template, or no such template.' },
      async handler(ctx, { body }, runtime) {
        const input = body as { templateId: string; folderId?: string | null; title: string; data?: unknown; draft?: boolean };
        const record = await parts(runtime).writer.create(ctx, { templateId: input.templateId, folderId: input.folderId ?? null, title: input.title, data: input.data, draft: input.draft ?? false });
        const view = await parts(runtime).reader.present(ctx, record);
        ctx.status = 201;
        ctx.body = recordJson(view.record, view.access, view.template);
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/records/:id', policy: tenantParticipant, tags: ['records'], params: idParams,
      summary: 'One record with its data (the view is audited).', responses: { 200: 'The record.', 404: 'Missing or not visible to you.' },
      async handler(ctx, { params }, runtime) {
        const view = await parts(runtime).reader.view(ctx, (params as { id: string }).id);
        ctx.body = recordJson(view.record, view.access, view.template);
      },
    },
    {
      method: 'PATCH', path: '/api/v1/t/:t/records/:id', policy: tenantParticipant, tags: ['records'], params: idParams,
      body: z.strictObject({ title: recordTitle.optional(), data: z.unknown().optional(), status: z.enum(['draft', 'completed']).optional(), folderId: objectId.nullable().optional(), draft: z.boolean().optional(), revision: z.number().int().min(1).optional() }),
      summary: 'Saves a record as a new revision: edit access for a draft; manage access for a completed record, a move (folderId) or reopening (status draft). `status: completed` completes it (every required field needed). `revision` guards against overwriting a newer save (409).',
      responses: { 200: 'The record.', 403: 'Not allowed.', 404: 'Missing or not visible.', 409: 'Saved by someone else since `revision`.', 422: 'The data breaks the template.' },
      async handler(ctx, { params, body }, runtime) {
        const id = (params as { id: string }).id;
        const record = await parts(runtime).writer.update(ctx, id, body as Parameters<ReturnType<typeof parts>['writer']['update']>[2]);
        const view = await parts(runtime).reader.present(ctx, record);
        ctx.body = recordJson(view.record, view.access, view.template);
      },
    },
    {
      method: 'DELETE', path: '/api/v1/t/:t/records/:id', policy: tenantParticipant, tags: ['records'], params: idParams,
      summary: 'Deletes a record with its revisions, entries, signatures and shares (manage access).', responses: { 204: 'Deleted.', 403: 'Not allowed.', 404: 'Missing or not visible.' },
      async handler(ctx, { params }, runtime) {
        await parts(runtime).writer.remove(ctx, (params as { id: string }).id);
        ctx.status = 204;
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/records/:id/revisions', policy: tenantParticipant, tags: ['records'], params: idParams,
      summary: 'Every saved version of a record, newest first, with time and author.',
      async handler(ctx, { params }, runtime) {
        const revisions = await parts(runtime).reader.revisions(ctx, (params as { id: string }).id);
        ctx.body = { items: revisions.map(revisionJson), nextCursor: null };
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/records/:id/revisions/:n', policy: tenantParticipant, tags: ['records'], params: revisionParams,
      summary: 'One saved version of a record with its data.',
      async handler(ctx, { params }, runtime) {
        const { id, n } = params as { id: string; n: number };
        ctx.body = revisionJson((await parts(runtime).reader.revision(ctx, id, n)).revision);
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/records/:id/diff', policy: tenantParticipant, tags: ['records'], params: idParams,
      query: z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
      summary: 'What changed between two revisions, field by field in template order (and title and status).',
      async handler(ctx, { params, query }, runtime) {
        const { from, to } = query as { from: number; to: number };
        const { diff } = await parts(runtime).reader.diff(ctx, (params as { id: string }).id, from, to);
        ctx.body = {
          from: diff.from.revision, to: diff.to.revision,
          title: diff.from.title === diff.to.title ? null : { before: diff.from.title, after: diff.to.title },
          status: diff.from.status === diff.to.status ? null : { before: diff.from.status, after: diff.to.status },
          changes: diff.changes,
        };
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/records/:id/entries', policy: tenantParticipant, tags: ['records'], params: idParams,
      query: z.strictObject({ ...listQueryFields }),
      summary: 'A journal\'s entries in the order they were written.',
      async handler(ctx, { params, query }, runtime) {
        const { limit, cursor } = query as { limit: number; cursor?: string };
        const after = decodeCursor(cursor, z.strictObject({ s: z.number().int().min(0) }));
        const entries = await parts(runtime).journal.list(ctx, (params as { id: string }).id, { afterSeq: after?.s ?? 0, limit: limit + 1 });
        const items = entries.slice(0, limit);
        ctx.body = { items: items.map(entryJson), nextCursor: entries.length > limit ? encodeCursor({ s: items.at(-1)!.seq }) : null };
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/records/:id/entries', policy: tenantParticipant, tags: ['records'], params: idParams,
      body: z.strictObject({ text: z.string().max(20_000), data: z.unknown().optional(), corrects: objectId.optional() }),
      summary: 'Appends a time-stamped entry to a journal (server time, you as author); entries are never edited: a correction names the entry it corrects.',
      responses: { 201: 'The entry.', 403: 'Not allowed.', 404: 'Missing or not visible.', 422: 'Not a journal, or the entry breaks the template.' },
      async handler(ctx, { params, body }, runtime) {
        const entry = await parts(runtime).journal.append(ctx, (params as { id: string }).id, body as { text: string; data?: unknown; corrects?: string });
        ctx.status = 201;
        ctx.body = entryJson(entry);
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/records/:id/signatures/:signatureId', policy: tenantParticipant, tags: ['records'], params: signatureParams,
      summary: 'A signature drawn on a record, as a PNG image.',
      async handler(ctx, { params }, runtime) {
        const { id, signatureId } = params as { id: string; signatureId: string };
        const { signature, png } = await parts(runtime).reader.signature(ctx, id, signatureId);
        ctx.set('Cache-Control', 'private, max-age=3600');
        ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
        ctx.type = 'image/png';
        ctx.etag = signature.sha256;
        ctx.body = png;
      },
    },
  ];
}
