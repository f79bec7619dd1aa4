import { z } from 'zod';
import { tenantAccessOf, tenantRole, type PluginRuntime, type RouteDeclaration } from '../../../core/plugin-api.ts';
import { libraryTemplateIds, loadLibraryTemplate, templateExportOf } from '../services/template-export.ts';
import { templateJson } from './record-json.ts';
import { idParams, objectId, tenantParams } from './route-schemas.ts';

type Route = RouteDeclaration<unknown, unknown, unknown, PluginRuntime>;
const parts = (runtime: PluginRuntime) => runtime.services.get('records.api').parts;
const versionParams = z.strictObject({ t: z.string().min(1).max(63), id: objectId, version: z.coerce.number().int().min(1) });
// The definition is checked by the template parser, which names every failing path (422), not by the route's schema.
const definitionBody = z.record(z.string(), z.unknown());

/** API.md's template routes: everyone in the tenant reads templates; managers and admins make, publish, import and export them. */
export function templateRoutes(): Route[] {
  return [
    {
      method: 'GET', path: '/api/v1/t/:t/templates', policy: tenantRole('viewer'), tags: ['templates'], params: tenantParams,
      summary: 'The tenant\'s templates with their current fields, by name.',
      async handler(ctx, _input, runtime) {
        const { deps } = parts(runtime);
        const templates = await deps.templates.list(tenantAccessOf(ctx).tenant.id);
        const items = await Promise.all(templates.map(async (t) => templateJson(t, await deps.templates.version(t.tenantId, t.id, t.currentVersion))));
        ctx.body = { items, nextCursor: null };
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/templates', policy: tenantRole('manager'), tags: ['templates'], params: tenantParams, body: definitionBody,
      summary: 'Makes a template `{name, description?, kind, fields, entryFields?}` as version 1; a definition that breaks a rule answers 422 with the path of each problem.',
      responses: { 201: 'The template.', 409: 'The name is taken.', 422: 'The definition breaks a rule.' },
      async handler(ctx, { body }, runtime) {
        const { templates, deps } = parts(runtime);
        const template = await templates.create(ctx, templates.parse(body));
        ctx.status = 201;
        ctx.body = templateJson(template, await deps.templates.version(template.tenantId, template.id, 1));
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/templates/import', policy: tenantRole('manager'), tags: ['templates'], params: tenantParams, body: definitionBody,
      summary: 'Makes a template from an exported file `{format: "kirjuri-template", formatVersion: 1, template}`; 422 with the path of each problem.',
      responses: { 201: 'The template.', 409: 'The name is taken.', 422: 'Not a template file, or the template breaks a rule.' },
      async handler(ctx, { body }, runtime) {
        const { templates, deps } = parts(runtime);
        const template = await templates.import(ctx, body);
        ctx.status = 201;
        ctx.body = templateJson(template, await deps.templates.version(template.tenantId, template.id, 1));
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/template-library', policy: tenantRole('manager'), tags: ['templates'], params: tenantParams,
      summary: 'The ready templates Kirjuri ships (site diary, safety measurement, inspection), to add with POST .../template-library/{id}.',
      async handler(ctx) {
        const items = await Promise.all(libraryTemplateIds.map(async (id) => {
          const definition = await loadLibraryTemplate(id);
          return { id, name: definition.name, description: definition.description ?? null, kind: definition.kind, fields: definition.fields.length };
        }));
        ctx.body = { items, nextCursor: null };
      },
    },
    {
      method: 'POST', path: '/api/v1/t/:t/template-library/:id', policy: tenantRole('manager'), tags: ['templates'], params: idParams,
      summary: 'Adds a ready template to the tenant (a taken name gets a number).', responses: { 201: 'The template.', 404: 'No such ready template.' },
      async handler(ctx, { params }, runtime) {
        const { templates, deps } = parts(runtime);
        const template = await templates.addFromLibrary(ctx, (params as { id: string }).id);
        ctx.status = 201;
        ctx.body = templateJson(template, await deps.templates.version(template.tenantId, template.id, 1));
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/templates/:id', policy: tenantRole('viewer'), tags: ['templates'], params: idParams,
      summary: 'A template with its current version\'s fields.',
      async handler(ctx, { params }, runtime) {
        const { templates, deps } = parts(runtime);
        const template = await templates.find(ctx, (params as { id: string }).id);
        ctx.body = { ...templateJson(template, await deps.templates.version(template.tenantId, template.id, template.currentVersion)), versions: await deps.templates.versions(template.tenantId, template.id) };
      },
    },
    {
      method: 'PATCH', path: '/api/v1/t/:t/templates/:id', policy: tenantRole('manager'), tags: ['templates'], params: idParams, body: definitionBody,
      summary: 'Publishes a new version `{name, description?, kind, fields, entryFields?}`: records made earlier keep (and render with) their own version. The kind cannot change.',
      responses: { 200: 'The template at its new version.', 404: 'No such template.', 409: 'The name is taken.', 422: 'The definition breaks a rule.' },
      async handler(ctx, { params, body }, runtime) {
        const { templates, deps } = parts(runtime);
        const template = await templates.publish(ctx, (params as { id: string }).id, templates.parse(body));
        ctx.body = templateJson(template, await deps.templates.version(template.tenantId, template.id, template.currentVersion));
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/templates/:id/versions/:version', policy: tenantRole('viewer'), tags: ['templates'], params: versionParams,
      summary: 'One published version of a template.',
      async handler(ctx, { params }, runtime) {
        const { id, version } = params as { id: string; version: number };
        const found = await parts(runtime).templates.version(ctx, id, version);
        ctx.body = { templateId: found.templateId, version: found.version, definition: found.definition, createdAt: new Date(found.createdAt).toISOString(), createdBy: found.createdBy };
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/templates/:id/export', policy: tenantRole('manager'), tags: ['templates'], params: idParams,
      summary: 'The template\'s current version as a file to import elsewhere (JSON, as an attachment).',
      async handler(ctx, { params }, runtime) {
        const { templates } = parts(runtime);
        const template = await templates.find(ctx, (params as { id: string }).id);
        const version = await templates.version(ctx, template.id, template.currentVersion);
        const fileName = template.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'template';
        ctx.set('Content-Disposition', `attachment; filename="${fileName}.kirjuri-template.json"`);
        ctx.body = templateExportOf(version.definition);
      },
    },
  ];
}
