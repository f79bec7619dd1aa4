// The designer page, its name and description, publishing and discarding the working copy, and the
// read-only view of a published version.
import type { Context } from 'koa';
import { z } from 'zod';
import { formErrorsOf, formValue, tenantRole, type PluginRuntime } from '../../../core/plugin-api.ts';
import type { Template } from '../services/template-store.ts';
import { designerPath, loadDraft, saveWorkingCopy, showDesigner } from './designer-page.ts';
import { summariesOf } from './field-facts.ts';
import { idParams } from '../routes/route-schemas.ts';
import { idOf, partsOf, refused, seeOther, sendView, tenantPath, type PageRoute } from './page-kit.ts';
import type { DraftField } from './draft-fields.ts';

const manager = tenantRole('manager');
const doneMessages = ['created', 'added', 'imported', 'published', 'unchanged', 'discarded'] as const;
const designerQuery = z.object({ done: z.enum(doneMessages).optional(), open: z.string().max(40).optional() });
const versionParams = idParams.extend({ version: z.coerce.number().int().min(1) });

/** The message a designer shows after the step that led to it (named in the query, so that it survives the redirect). */
function doneMessage(done: (typeof doneMessages)[number], template: Template): string {
  switch (done) {
    case 'created': return 'The template is made, with one field to start from. Add its fields, then publish it.';
    case 'added': return `"${template.name}" is added to your templates, ready to use. Change it here if you need to.`;
    case 'imported': return `"${template.name}" is imported as version 1.`;
    case 'published': return `Published version ${template.currentVersion}. Records made earlier keep the version they were made with.`;
    case 'unchanged': return `Nothing to publish: the working copy is the same as version ${template.currentVersion}.`;
    case 'discarded': return `The unpublished changes are discarded: this is version ${template.currentVersion} again.`;
  }
}

/** Publishes the working copy when the parser accepts it; otherwise the designer shows every problem (422). */
async function publish(ctx: Context, runtime: PluginRuntime, id: string): Promise<void> {
  const { templates } = partsOf(runtime);
  const { template, draft } = await loadDraft(ctx, runtime, id);
  let published: Template;
  try {
    published = await templates.publish(ctx, id, templates.parse(draft));
  } catch (thrown) {
    const { fields, message, status } = formErrorsOf(thrown);
    if (status === 404) throw thrown;
    const problems = Object.keys(fields).length;
    const sentence = status === 422 && problems > 0
      ? `Not published: ${problems === 1 ? 'one problem needs' : `${problems} problems need`} fixing first. Each is marked beside its field below.`
      : `Not published: ${message}`;
    return showDesigner(ctx, runtime, id, { details: fields.name ? { values: {}, errors: { name: fields.name } } : undefined, ...refused(status, sentence) });
  }
  seeOther(ctx, `${designerPath(ctx, id)}?done=${published.currentVersion === template.currentVersion ? 'unchanged' : 'published'}`);
}

/** The designer's page routes. */
export function designerRoutes(): PageRoute[] {
  return [
    {
      method: 'GET', path: '/t/:t/templates/:id', policy: manager, tags: ['web'], params: idParams, query: designerQuery,
      summary: 'The template designer: the working copy\'s fields as cards with their problems, publishing and the versions.',
      async handler(ctx, { params, query }, runtime) {
        const id = idOf(params);
        const { done, open } = query as z.infer<typeof designerQuery>;
        await showDesigner(ctx, runtime, id, { open: open ?? null, ...(done ? { notice: (template: Template) => doneMessage(done, template) } : {}) });
      },
    },
    {
      method: 'POST', path: '/t/:t/templates/:id/details', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: changes the working copy\'s name and description.',
      async handler(ctx, { params, body }, runtime) {
        const id = idOf(params);
        const { template, draft } = await loadDraft(ctx, runtime, id);
        const name = formValue(body, 'name').trim();
        const description = formValue(body, 'description').replace(/\r\n?/g, '\n').trim();
        const { description: _old, ...rest } = draft;
        await saveWorkingCopy(ctx, runtime, template, { ...rest, name, ...(description ? { description } : {}) });
        seeOther(ctx, designerPath(ctx, id, 'template-details'));
      },
    },
    {
      method: 'POST', path: '/t/:t/templates/:id/publish', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: checks the working copy and publishes it as the next version (records keep theirs); 422 with every problem otherwise.',
      handler: (ctx, { params }, runtime) => publish(ctx, runtime, idOf(params)),
    },
    {
      method: 'POST', path: '/t/:t/templates/:id/discard', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: drops the unpublished working copy.',
      async handler(ctx, { params }, runtime) {
        const id = idOf(params);
        await partsOf(runtime).templates.saveDraft(ctx, id, null);
        seeOther(ctx, `${designerPath(ctx, id)}?done=discarded`);
      },
    },
    {
      method: 'GET', path: '/t/:t/templates/:id/versions/:version', policy: manager, tags: ['web'], params: versionParams,
      summary: 'One published version of a template, read only.',
      async handler(ctx, { params }, runtime) {
        const { id, version } = params as z.infer<typeof versionParams>;
        const { templates } = partsOf(runtime);
        const template = await templates.find(ctx, id);
        const found = await templates.version(ctx, id, version);
        const definition = found.definition as unknown as { description?: string; fields: DraftField[]; entryFields?: DraftField[] };
        const base = tenantPath(ctx);
        sendView(ctx, runtime, 'records/templates/version', {
          title: `${template.name}, version ${version}`, template: { id, name: found.definition.name, kind: found.definition.kind }, version,
          current: version === template.currentVersion, createdAt: new Date(found.createdAt).toISOString(), description: definition.description ?? null,
          fields: summariesOf(definition.fields), entryFields: definition.entryFields ? summariesOf(definition.entryFields) : null,
          breadcrumbs: [{ href: base, label: 'Home' }, { href: `${base}/templates`, label: 'Templates' }, { href: designerPath(ctx, id), label: template.name }, { href: '', label: `Version ${version}` }],
        });
      },
    },
  ];
}
