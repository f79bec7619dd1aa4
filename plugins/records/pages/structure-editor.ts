// The structure editor page and the one step its tree actions share: change a copy of the tree, check
// it whole, store it through the structure operations (audited) and go back to the folder's card.
import type { Context } from 'koa';
import { formErrorsOf, formValue, tenantAccessOf, type PluginRuntime } from '../../../core/plugin-api.ts';
import type { StructureDefinition, StructureFolder } from '../services/structure-definition.ts';
import { partsOf, refused, seeOther, sendView, tenantPath, type Shown } from './page-kit.ts';
import { checkTree, folderAt, parseFolderPlace, type FolderPlace } from './structure-tree.ts';
import { structureView, type StructureAttempt } from './structure-view.ts';

/** What the editor is shown again with. */
export interface EditorExtras extends Shown {
  open?: string | null;
  attempt?: StructureAttempt;
}

/** The editor's address, with a folder card to open and scroll to. */
export function editorPath(ctx: Context, id: string, open?: string, anchor?: string): string {
  return `${tenantPath(ctx)}/structures/${id}${open ? `?open=${encodeURIComponent(open)}` : ''}${anchor ? `#${anchor}` : ''}`;
}

/** Shows a structure's editor: its tree with every form, the templates to choose from and where a project may go. */
export async function showEditor(ctx: Context, runtime: PluginRuntime, id: string, extras: EditorExtras = {}): Promise<void> {
  const { structures, deps } = partsOf(runtime);
  const structure = await structures.find(ctx, id);
  const templates = await deps.templates.list(tenantAccessOf(ctx).tenant.id);
  const parents = await runtime.services.get('core.folders').children(ctx, null);
  const base = tenantPath(ctx);
  sendView(ctx, runtime, 'records/structures/editor', {
    ...structureView({ structure, templates, parents, open: extras.open ?? null, attempt: extras.attempt }),
    base: editorPath(ctx, id),
    breadcrumbs: [{ href: base, label: 'Home' }, { href: `${base}/templates`, label: 'Templates' }, { href: `${base}/structures`, label: 'Folder structures' }, { href: '', label: structure.name }],
  }, extras);
}

/** One tree action: the folder it names, what its form holds, and the change it makes. */
export interface TreeAction {
  action: StructureAttempt['action'];
  /** The folder the form is about ("" for the top, for adding a top-level folder). */
  at: string;
  values: Record<string, string>;
  /** Changes the definition (a copy) or answers null when the place is not in it. */
  change(definition: StructureDefinition, place: FolderPlace): StructureDefinition | null;
  /** The card to open and scroll to afterwards. */
  then: (place: FolderPlace) => { open?: string; anchor: string };
}

const staleMessage = 'That folder has changed or moved since the page was shown (perhaps in another window). Nothing was changed: check the tree below and try again.';

/**
 * Runs a tree action. A form about a folder also says the folder's name when the page was shown
 * (`was`): a folder that is no longer there by that name is not changed (409).
 */
export async function runTreeAction(ctx: Context, runtime: PluginRuntime, id: string, body: unknown, action: TreeAction): Promise<void> {
  const { structures } = partsOf(runtime);
  const structure = await structures.find(ctx, id);
  const place = action.at === '' ? [] : parseFolderPlace(action.at);
  const folder: StructureFolder | null = place && place.length > 0 ? folderAt(structure.definition, place) : null;
  const changed = place && (place.length === 0 || folder?.name === formValue(body, 'was')) ? action.change(structure.definition, place) : null;
  if (!place || !changed) return showEditor(ctx, runtime, id, refused(409, staleMessage));
  const attempt = (errors: Record<string, string>): StructureAttempt => ({ action: action.action, at: action.at, values: action.values, errors });
  const checked = checkTree(changed);
  if (!checked.ok) {
    const sentence = checked.others.length > 0 ? `Not changed: ${checked.others.join('; ')}.` : 'Not changed: check the marked box.';
    return showEditor(ctx, runtime, id, { attempt: attempt(checked.errors), ...refused(422, sentence) });
  }
  try {
    await structures.update(ctx, id, checked.definition);
  } catch (thrown) {
    const { fields, message, status } = formErrorsOf(thrown);
    if (status === 404) throw thrown;
    return showEditor(ctx, runtime, id, { attempt: attempt(fields.name ? { name: fields.name } : {}), ...refused(status, message) });
  }
  const next = action.then(place);
  seeOther(ctx, editorPath(ctx, id, next.open, next.anchor));
}
