// The templates page: the tenant's templates, the ready ones Kirjuri ships, a new template and an import.
import type { Context } from 'koa';
import { formErrorsOf, formValue, tenantAccessOf, tenantRole, type PluginRuntime } from '../../../core/plugin-api.ts';
import { templateKinds, type TemplateField, type TemplateKind } from '../services/template-definition.ts';
import { libraryTemplateIds, loadLibraryTemplate } from '../services/template-export.ts';
import { designerPath } from './designer-page.ts';
import { partsOf, refused, seeOther, sendView, tenantPath, type PageRoute, type Shown } from './page-kit.ts';

const manager = tenantRole('manager');
const kindLabels: Record<TemplateKind, string> = { form: 'Form', journal: 'Journal (diary of entries)', measurement: 'Measurement (scored round)' };

/** The field a new template starts with, so that it is valid (a measurement needs a score item) and the designer has something to show. */
export function starterField(kind: TemplateKind): TemplateField {
  return kind === 'measurement' ? { key: 'item_1', type: 'score', label: 'Item 1' } : { key: 'notes', type: 'longtext', label: 'Notes' };
}

interface ListExtras extends Shown {
  create?: { values: Record<string, string>; errors: Record<string, string> };
  importing?: { values: Record<string, string>; errors: Array<{ path: string; message: string }> };
}

async function showList(ctx: Context, runtime: PluginRuntime, extras: ListExtras = {}): Promise<void> {
  const { deps } = partsOf(runtime);
  const base = tenantPath(ctx);
  const templates = await deps.templates.list(tenantAccessOf(ctx).tenant.id);
  const library = await Promise.all(libraryTemplateIds.map(async (id) => {
    const definition = await loadLibraryTemplate(id);
    return { id, name: definition.name, description: definition.description ?? '', kind: kindLabels[definition.kind] };
  }));
  sendView(ctx, runtime, 'records/templates/list', {
    title: 'Templates',
    templates: templates.map((t) => ({ id: t.id, name: t.name, kind: kindLabels[t.kind], version: t.currentVersion, unpublished: t.draft !== null, href: designerPath(ctx, t.id), exportHref: `/api/v1/t/${tenantAccessOf(ctx).tenant.slug}/templates/${t.id}/export` })),
    library,
    kinds: templateKinds.map((kind) => ({ value: kind, label: kindLabels[kind] })),
    create: { values: { kind: 'form', ...extras.create?.values }, errors: extras.create?.errors ?? {} },
    importing: { values: extras.importing?.values ?? {}, errors: extras.importing?.errors ?? [] },
    breadcrumbs: [{ href: base, label: 'Home' }, { href: `${base}/templates`, label: 'Templates' }],
  }, extras, ['plugins/records/js/template-import.js']);
}

/** Makes a template from the "New template" form, with its starter field, and opens the designer. */
async function createTemplate(ctx: Context, runtime: PluginRuntime, body: unknown): Promise<void> {
  const { templates } = partsOf(runtime);
  const values = { name: formValue(body, 'name'), kind: formValue(body, 'kind'), description: formValue(body, 'description') };
  const kind = (templateKinds as readonly string[]).includes(values.kind) ? (values.kind as TemplateKind) : undefined;
  const input = { name: values.name, kind: values.kind, fields: kind ? [starterField(kind)] : [], ...(values.description.trim() ? { description: values.description } : {}) };
  try {
    const template = await templates.create(ctx, templates.parse(input));
    seeOther(ctx, `${designerPath(ctx, template.id)}?done=created`);
  } catch (thrown) {
    const { fields, status } = formErrorsOf(thrown);
    await showList(ctx, runtime, { create: { values, errors: fields }, ...refused(status, 'The template was not made: check the marked boxes.') });
  }
}

/** Reads an exported template from the import form's text and makes it; every problem is listed by its path (422). */
async function importTemplate(ctx: Context, runtime: PluginRuntime, body: unknown): Promise<void> {
  const text = formValue(body, 'file');
  const values = { file: text };
  const refuse = (status: number, errors: Array<{ path: string; message: string }>, message: string): Promise<void> =>
    showList(ctx, runtime, { importing: { values, errors }, ...refused(status, message) });
  if (text.trim() === '') return refuse(422, [], 'Nothing was imported: choose an exported template file, or paste its text.');
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    return refuse(422, [{ path: 'file', message: `is not JSON (${(error as Error).message})` }], 'Nothing was imported: the text is not a template file. Export the template again and use that file as it is.');
  }
  try {
    const template = await partsOf(runtime).templates.import(ctx, file);
    seeOther(ctx, `${designerPath(ctx, template.id)}?done=imported`);
  } catch (thrown) {
    const { fields, message, status } = formErrorsOf(thrown);
    await refuse(status, Object.entries(fields).map(([path, problem]) => ({ path, message: problem })), `Nothing was imported. ${message}`);
  }
}

/** The templates page's routes. */
export function templateListRoutes(): PageRoute[] {
  return [
    {
      method: 'GET', path: '/t/:t/templates', policy: manager, tags: ['web'],
      summary: 'The tenant\'s templates with their versions and unpublished changes, the ready templates, new and import.',
      handler: (ctx, _input, runtime) => showList(ctx, runtime),
    },
    {
      method: 'POST', path: '/t/:t/templates', policy: manager, tags: ['web'],
      summary: 'Makes a template (name, kind, description) with one field to start from and opens the designer.',
      handler: (ctx, { body }, runtime) => createTemplate(ctx, runtime, body),
    },
    {
      method: 'POST', path: '/t/:t/templates/library', policy: manager, tags: ['web'],
      summary: 'Adds a ready template (`library`: its id) to the tenant and opens the designer.',
      async handler(ctx, { body }, runtime) {
        const template = await partsOf(runtime).templates.addFromLibrary(ctx, formValue(body, 'library'));
        seeOther(ctx, `${designerPath(ctx, template.id)}?done=added`);
      },
    },
    {
      method: 'POST', path: '/t/:t/templates/import', policy: manager, tags: ['web'],
      summary: 'Makes a template from an exported file\'s text (`file`); the problems of a bad file are listed by path.',
      handler: (ctx, { body }, runtime) => importTemplate(ctx, runtime, body),
    },
  ];
}
