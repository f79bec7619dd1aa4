import { z } from 'zod';
import { folderName, tenantAccessOf, tenantRole, type PluginRuntime, type RouteDeclaration } from '../../../core/plugin-api.ts';
import { structureDefinition, type StructureDefinition } from '../services/structure-definition.ts';
import type { Structure } from '../services/structure-store.ts';
import { idParams, objectId, tenantParams } from './route-schemas.ts';

type Route = RouteDeclaration<unknown, unknown, unknown, PluginRuntime>;
const parts = (runtime: PluginRuntime) => runtime.services.get('records.api').parts;

/** A folder structure template in the API's words. */
export function structureJson(structure: Structure): Record<string, unknown> {
  return { id: structure.id, name: structure.name, description: structure.description, folders: structure.definition.folders, createdAt: new Date(structure.createdAt).toISOString(), updatedAt: new Date(structure.updatedAt).toISOString() };
}

/** Folder structure templates ("super folders"): kept by managers and admins, applied by anyone who may make the project's folder. */
export function structureRoutes(): Route[] {
  return [
    {
      method: 'GET', path: '/api/v1/t/:t/structures', policy: tenantRole('member'), tags: ['structures'], params: tenantParams,
      summary: 'The tenant\'s folder structure templates, by name.',
      async handler(ctx, _input, runtime) {
        const items = await parts(runtime).deps.structures.list(tenantAccessOf(ctx).tenant.id);
        ctx.body = { items: items.map(structureJson), nextCursor: null };
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/structures', policy: tenantRole('manager'), tags: ['structures'], params: tenantParams, body: structureDefinition,
      summary: 'Stores a folder structure `{name, description?, folders: [{name, records: [{templateId, title}], folders: [...]}]}`.',
      responses: { 201: 'The structure.', 409: 'The name is taken.', 422: 'It names an unknown template.' },
      async handler(ctx, { body }, runtime) {
        ctx.status = 201;
        ctx.body = structureJson(await parts(runtime).structures.create(ctx, body as StructureDefinition));
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/structures/:id', policy: tenantRole('member'), tags: ['structures'], params: idParams,
      summary: 'One folder structure template.',
      async handler(ctx, { params }, runtime) {
        ctx.body = structureJson(await parts(runtime).structures.find(ctx, (params as { id: string }).id));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/t/:t/structures/:id', policy: tenantRole('manager'), tags: ['structures'], params: idParams, body: structureDefinition,
      summary: 'Replaces a folder structure template (projects made from it stay as they are).',
      async handler(ctx, { params, body }, runtime) {
        ctx.body = structureJson(await parts(runtime).structures.update(ctx, (params as { id: string }).id, body as StructureDefinition));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/t/:t/structures/:id', policy: tenantRole('manager'), tags: ['structures'], params: idParams,
      summary: 'Deletes a folder structure template (projects made from it stay).',
      async handler(ctx, { params }, runtime) {
        await parts(runtime).structures.remove(ctx, (params as { id: string }).id);
        ctx.status = 204;
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/structures/:id/apply', policy: tenantRole('member'), tags: ['structures'], params: idParams,
      body: z.strictObject({ name: folderName, parentId: objectId.nullable().optional() }),
      summary: 'Makes a project from a structure: a folder `name` under `parentId` (the top for managers and admins), its folders and an empty draft of each listed record, all in one go.',
      responses: { 201: '{folder, folders, records}: what was made.', 403: 'Not allowed here.', 404: 'No such structure or parent folder.', 409: 'The name is taken there.' },
      async handler(ctx, { params, body }, runtime) {
        const input = body as { name: string; parentId?: string | null };
        const made = await parts(runtime).structures.apply(ctx, (params as { id: string }).id, { name: input.name, parentId: input.parentId ?? null });
        ctx.status = 201;
        ctx.body = { folder: { id: made.folder.id, name: made.folder.name, parentId: made.folder.parentId }, folders: made.folders, records: made.records };
      },
    },
  ];
}
