// Folder structure templates' pages: the list and a new structure, the tree editor's actions, deleting
// one, and making a project folder from one.
import type { Context } from 'koa';
import { z } from 'zod';
import { fieldErrorsOf, folderName, formErrorsOf, formValue, tenantAccessOf, tenantRole, type PluginRuntime } from '../../../core/plugin-api.ts';
import { structureDefinition, type StructureDefinition } from '../services/structure-definition.ts';
import { idParams } from '../routes/route-schemas.ts';
import { idOf, partsOf, refused, seeOther, sendView, tenantPath, type PageRoute, type Shown } from './page-kit.ts';
import { editorPath, runTreeAction, showEditor, type TreeAction } from './structure-editor.ts';
import { changeTree, folderAnchor, placeText } from './structure-tree.ts';
import { treeCounts } from './structure-view.ts';

const manager = tenantRole('manager');
const editorQuery = z.object({ open: z.string().max(40).optional() });
const listQuery = z.object({ done: z.enum(['deleted']).optional() });

async function showList(ctx: Context, runtime: PluginRuntime, extras: Shown & { values?: Record<string, string>; errors?: Record<string, string> } = {}): Promise<void> {
  const base = tenantPath(ctx);
  const structures = await partsOf(runtime).deps.structures.list(tenantAccessOf(ctx).tenant.id);
  sendView(ctx, runtime, 'records/structures/list', {
    title: 'Folder structures',
    structures: structures.map((s) => ({ id: s.id, name: s.name, description: s.description ?? '', href: editorPath(ctx, s.id), ...treeCounts(s.definition.folders) })),
    values: extras.values ?? {}, errors: extras.errors ?? {},
    breadcrumbs: [{ href: base, label: 'Home' }, { href: `${base}/templates`, label: 'Templates' }, { href: `${base}/structures`, label: 'Folder structures' }],
  }, extras);
}

/** Stores a new structure with its first folder, and opens its editor. */
async function createStructure(ctx: Context, runtime: PluginRuntime, body: unknown): Promise<void> {
  const values = { name: formValue(body, 'name'), description: formValue(body, 'description'), firstFolder: formValue(body, 'firstFolder') };
  const parsed = structureDefinition.safeParse({
    name: values.name, ...(values.description.trim() ? { description: values.description } : {}), folders: [{ name: values.firstFolder }],
  });
  if (!parsed.success) {
    const { 'folders.0.name': firstFolder, ...errors } = fieldErrorsOf(parsed.error);
    return showList(ctx, runtime, { values, errors: { ...errors, ...(firstFolder ? { firstFolder } : {}) }, ...refused(422, 'The structure was not made: check the marked boxes.') });
  }
  try {
    const made = await partsOf(runtime).structures.create(ctx, parsed.data as StructureDefinition);
    seeOther(ctx, editorPath(ctx, made.id, '0', folderAnchor([0])));
  } catch (thrown) {
    const { fields, message, status } = formErrorsOf(thrown);
    await showList(ctx, runtime, { values, errors: fields, ...refused(status, message) });
  }
}

/** Makes a project folder (name, parent) from a structure and goes to it. */
async function applyStructure(ctx: Context, runtime: PluginRuntime, id: string, body: unknown): Promise<void> {
  const values = { name: formValue(body, 'name'), parentId: formValue(body, 'parentId') };
  const again = (status: number, errors: Record<string, string>, message: string): Promise<void> =>
    showEditor(ctx, runtime, id, { attempt: { action: 'apply', at: '', values, errors }, ...refused(status, message) });
  const name = folderName.safeParse(values.name);
  if (!name.success) return again(422, { name: name.error.issues[0]!.message }, 'No project was made: check the marked box.');
  try {
    const made = await partsOf(runtime).structures.apply(ctx, id, { name: name.data, parentId: values.parentId || null });
    seeOther(ctx, `${tenantPath(ctx)}/folders/${made.folder.id}`);
  } catch (thrown) {
    const { fields, message, status } = formErrorsOf(thrown);
    await again(status, fields.name ? { name: fields.name } : {}, `No project was made: ${message}`);
  }
}

/** A route of the editor's tree actions. */
function treeRoute(path: string, summary: string, action: (body: unknown) => TreeAction): PageRoute {
  return {
    method: 'POST', path: `/t/:t/structures/:id/${path}`, policy: manager, tags: ['web'], params: idParams, summary,
    handler: (ctx, { params, body }, runtime) => runTreeAction(ctx, runtime, idOf(params), body, action(body)),
  };
}

const emptyFolder = (name: string) => ({ name: name.trim(), records: [], folders: [] });

/** The folder structure pages' routes. */
export function structurePages(): PageRoute[] {
  return [
    {
      method: 'GET', path: '/t/:t/structures', policy: manager, tags: ['web'], query: listQuery,
      summary: 'The tenant\'s folder structure templates, and a new one.',
      handler: (ctx, { query }, runtime) => showList(ctx, runtime, (query as z.infer<typeof listQuery>).done ? { flash: [{ kind: 'success', message: 'The folder structure is deleted; projects made from it stay as they are.' }] } : {}),
    },
    {
      method: 'POST', path: '/t/:t/structures', policy: manager, tags: ['web'],
      summary: 'Makes a folder structure (name, description, first folder) and opens its editor.',
      handler: (ctx, { body }, runtime) => createStructure(ctx, runtime, body),
    },
    {
      method: 'GET', path: '/t/:t/structures/:id', policy: manager, tags: ['web'], params: idParams, query: editorQuery,
      summary: 'A folder structure\'s editor: its tree of folders and records, and making a project from it.',
      handler: (ctx, { params, query }, runtime) => showEditor(ctx, runtime, idOf(params), { open: (query as z.infer<typeof editorQuery>).open ?? null }),
    },
    treeRoute('details', 'Structure editor: changes the name and description.', (body) => {
      const values = { name: formValue(body, 'name'), description: formValue(body, 'description') };
      return {
        action: 'details', at: '', values, then: () => ({ anchor: 'structure-details' }),
        change: (definition) => ({ ...definition, name: values.name, description: values.description.replace(/\r\n?/g, '\n').trim() || undefined }),
      };
    }),
    treeRoute('folders/add', 'Structure editor: adds a folder (`name`) at the top or inside the folder at `at`.', (body) => {
      const values = { name: formValue(body, 'name') };
      const at = formValue(body, 'at');
      let index = 0;
      return {
        action: 'add', at, values,
        change: (definition, place) => changeTree(definition, place, (folder, siblings) => {
          const list = folder ? folder.folders : siblings;
          index = list.push(emptyFolder(values.name)) - 1;
        }),
        then: (place) => ({ open: placeText([...place, index]), anchor: folderAnchor([...place, index]) }),
      };
    }),
    treeRoute('folders/rename', 'Structure editor: renames the folder at `at`.', (body) => {
      const values = { name: formValue(body, 'name') };
      return {
        action: 'rename', at: formValue(body, 'at'), values, then: (place) => ({ anchor: folderAnchor(place) }),
        change: (definition, place) => changeTree(definition, place, (folder) => void (folder!.name = values.name.trim())),
      };
    }),
    treeRoute('folders/remove', 'Structure editor: removes the folder at `at` with what it holds.', (body) => ({
      action: 'remove', at: formValue(body, 'at'), values: {}, then: (place) => ({ anchor: folderAnchor(place.slice(0, -1)) }),
      change: (definition, place) => changeTree(definition, place, (_folder, siblings) => void siblings.splice(place.at(-1)!, 1)),
    })),
    treeRoute('records/add', 'Structure editor: adds a record (`templateId`, `title`) to the folder at `at`.', (body) => {
      const values = { templateId: formValue(body, 'templateId'), title: formValue(body, 'title') };
      return {
        action: 'record', at: formValue(body, 'at'), values, then: (place) => ({ open: placeText(place), anchor: folderAnchor(place) }),
        change: (definition, place) => changeTree(definition, place, (folder) => void folder!.records.push({ templateId: values.templateId, title: values.title.trim() })),
      };
    }),
    treeRoute('records/remove', 'Structure editor: removes record number `index` from the folder at `at`.', (body) => ({
      action: 'record', at: formValue(body, 'at'), values: {}, then: (place) => ({ open: placeText(place), anchor: folderAnchor(place) }),
      change: (definition, place) => changeTree(definition, place, (folder) => {
        const index = Number(formValue(body, 'index'));
        const record = folder!.records[index];
        if (!record || record.title !== formValue(body, 'wasTitle')) return false;
        folder!.records.splice(index, 1);
      }),
    })),
    {
      method: 'POST', path: '/t/:t/structures/:id/delete', policy: manager, tags: ['web'], params: idParams,
      summary: 'Deletes a folder structure template (projects made from it stay).',
      async handler(ctx, { params }, runtime) {
        await partsOf(runtime).structures.remove(ctx, idOf(params));
        seeOther(ctx, `${tenantPath(ctx)}/structures?done=deleted`);
      },
    },
    {
      method: 'POST', path: '/t/:t/structures/:id/apply', policy: manager, tags: ['web'], params: idParams,
      summary: 'Makes a project from a structure: a folder `name` at the top or in `parentId`, with its folders and records, then goes to it.',
      handler: (ctx, { params, body }, runtime) => applyStructure(ctx, runtime, idOf(params), body),
    },
  ];
}
