import { z } from 'zod';
import { tenantParticipant } from '../access/tenant-participant-policy.ts';
import { decodeCursor, encodeCursor, listQueryFields } from '../http/list-page.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { folderName } from './folder-name.ts';
import type { FolderOperations, VisibleFolder } from './folder-operations.ts';

const objectId = z.string().min(1).max(64);
const tenantParams = z.strictObject({ t: z.string().min(1).max(63) });
const folderParams = z.strictObject({ t: z.string().min(1).max(63), id: objectId });
const folderCursor = z.strictObject({ n: z.string(), i: z.string() });

/** A folder in the API's words. */
export function folderJson(folder: VisibleFolder): Record<string, unknown> {
  return {
    id: folder.id, name: folder.name, parentId: folder.parentId, ownerId: folder.ownerId, access: folder.access,
    createdAt: new Date(folder.createdAt).toISOString(), updatedAt: new Date(folder.updatedAt).toISOString(),
  };
}

/** API.md's folder routes: each tenant's own tree, every object decided by access control. */
export function folderRoutes(operations: FolderOperations): OwnedRoute[] {
  return [
    {
      owner: 'core', method: 'GET', path: '/api/v1/t/:t/folders', policy: tenantParticipant, tags: ['folders'],
      summary: 'Subfolders of `parentId` (or the top level: for members, viewers and guests, the folders shared with them), by name.',
      params: tenantParams,
      query: z.strictObject({ parentId: objectId.optional(), ...listQueryFields }),
      async handler(ctx, { query }) {
        const { parentId, limit, cursor } = query as { parentId?: string; limit: number; cursor?: string };
        const after = decodeCursor(cursor, folderCursor);
        const page = await operations.list(ctx, parentId ?? null, { limit, after: after && { nameKey: after.n, id: after.i } });
        ctx.body = { items: page.items.map(folderJson), nextCursor: page.next && encodeCursor({ n: page.next.nameKey, i: page.next.id }) };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/t/:t/folders', policy: tenantParticipant, tags: ['folders'],
      summary: 'Makes a folder: at the top (managers and admins) or inside a folder you may edit.',
      params: tenantParams,
      body: z.strictObject({ name: folderName, parentId: objectId.nullable().optional() }),
      responses: { 201: 'The folder.', 403: 'Not allowed here.', 404: 'No such parent folder.', 409: 'The name is taken here.' },
      async handler(ctx, { body }) {
        const input = body as { name: string; parentId?: string | null };
        ctx.status = 201;
        ctx.body = folderJson(await operations.create(ctx, { name: input.name, parentId: input.parentId ?? null }));
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/t/:t/folders/:id', policy: tenantParticipant, tags: ['folders'],
      summary: 'One folder with the breadcrumbs you can see (the view is audited).',
      params: folderParams,
      responses: { 200: 'The folder.', 404: 'Missing or not visible to you.' },
      async handler(ctx, { params }) {
        const { folder, breadcrumbs } = await operations.view(ctx, (params as { id: string }).id);
        ctx.body = { ...folderJson(folder), breadcrumbs };
      },
    },
    {
      owner: 'core', method: 'PATCH', path: '/api/v1/t/:t/folders/:id', policy: tenantParticipant, tags: ['folders'],
      summary: 'Renames (edit access) or moves (manage access; `parentId: null` is the top) a folder.',
      params: folderParams,
      body: z.strictObject({ name: folderName.optional(), parentId: objectId.nullable().optional() }),
      responses: { 200: 'The folder.', 403: 'Not allowed.', 404: 'Missing or not visible.', 409: 'The name is taken there.', 422: 'A move into its own subtree, or too deep.' },
      async handler(ctx, { body, params }) {
        ctx.body = folderJson(await operations.update(ctx, (params as { id: string }).id, body as { name?: string; parentId?: string | null }));
      },
    },
    {
      owner: 'core', method: 'DELETE', path: '/api/v1/t/:t/folders/:id', policy: tenantParticipant, tags: ['folders'],
      summary: 'Deletes an empty folder (manage access); one that still holds folders or objects answers 409 saying what.',
      params: folderParams,
      responses: { 204: 'Deleted.', 403: 'Not allowed.', 404: 'Missing or not visible.', 409: 'Not empty.' },
      async handler(ctx, { params }) {
        await operations.remove(ctx, (params as { id: string }).id);
        ctx.status = 204;
      },
    },
  ];
}
