// The designer page itself and the working copy behind it: shown from the draft (or the current version),
// with the parser's errors beside the fields, and saved back through the template operations.
import type { Context } from 'koa';
import type { PluginRuntime } from '../../../core/plugin-api.ts';
import { parseTemplateDefinition } from '../services/template-definition.ts';
import type { Template } from '../services/template-store.ts';
import { designerView, type DesignerInput } from './designer-view.ts';
import { draftOf, fieldAt, listAt, parseFieldPlace, storedDraft, type Draft, type DraftField, type FieldPlace } from './draft-fields.ts';
import { partsOf, refused, sendView, tenantPath, type Shown } from './page-kit.ts';

/** What the designer is shown again with besides the working copy; `notice` is a success message made from the template. */
export type DesignerExtras = Partial<Pick<DesignerInput, 'open' | 'add' | 'details'>> & Shown & { notice?: (template: Template) => string };

/** A template and its working copy, for a designer action to change. */
export async function loadDraft(ctx: Context, runtime: PluginRuntime, id: string): Promise<{ template: Template; draft: Draft }> {
  const { templates } = partsOf(runtime);
  const template = await templates.find(ctx, id);
  return { template, draft: draftOf(await templates.workingCopy(template)) };
}

/**
 * Keeps a changed working copy as the template's draft; one that is the current version again (a field
 * moved up and back down) clears the draft, so that the template does not show unpublished changes.
 */
export async function saveWorkingCopy(ctx: Context, runtime: PluginRuntime, template: Template, draft: Draft): Promise<void> {
  const { templates, deps } = partsOf(runtime);
  const stored = storedDraft(draft);
  const parsed = parseTemplateDefinition(stored);
  const current = await deps.templates.version(template.tenantId, template.id, template.currentVersion);
  const unchanged = parsed.ok && current !== null && JSON.stringify(parsed.definition) === JSON.stringify(current.definition);
  await templates.saveDraft(ctx, template.id, unchanged ? null : stored);
}

/** The designer's address, with a card to open and the anchor to scroll to. */
export function designerPath(ctx: Context, id: string, anchor?: string, open?: string): string {
  return `${tenantPath(ctx)}/templates/${id}${open ? `?open=${encodeURIComponent(open)}` : ''}${anchor ? `#${anchor}` : ''}`;
}

/** Shows the designer of a template: its working copy, the parser's errors and its versions. */
export async function showDesigner(ctx: Context, runtime: PluginRuntime, id: string, extras: DesignerExtras = {}): Promise<void> {
  const { templates, deps } = partsOf(runtime);
  const template = await templates.find(ctx, id);
  const draft = draftOf(await templates.workingCopy(template));
  const parsed = parseTemplateDefinition(storedDraft(draft));
  const versions = await deps.templates.versions(template.tenantId, template.id);
  const base = tenantPath(ctx);
  sendView(ctx, runtime, 'records/templates/designer', {
    ...designerView({ template, draft, errors: parsed.ok ? {} : parsed.errors, versions, open: extras.open ?? null, add: extras.add, details: extras.details }),
    base: designerPath(ctx, id),
    breadcrumbs: [{ href: base, label: 'Home' }, { href: `${base}/templates`, label: 'Templates' }, { href: designerPath(ctx, id), label: template.name }],
  }, extras.notice ? { ...extras, flash: [{ kind: 'success', message: extras.notice(template) }] } : extras);
}

/** A field a card's form names by `at`, checked against `was` (its key when the page was shown). */
export interface NamedField {
  place: FieldPlace;
  field: DraftField;
  list: DraftField[];
}

/**
 * The field a form posted about, or null when it is no longer where the page showed it (moved or
 * removed since, perhaps in another window): acting on what is there now would change the wrong field.
 */
export function namedField(draft: Draft, at: string, was: string): NamedField | null {
  const place = parseFieldPlace(at);
  const field = place && fieldAt(draft, place);
  if (!place || !field || (typeof field.key === 'string' ? field.key : '') !== was) return null;
  return { place, field, list: listAt(draft, place)! };
}

/** The designer shown again (409) when a form's field is not where the page showed it. */
export function showStale(ctx: Context, runtime: PluginRuntime, id: string): Promise<void> {
  return showDesigner(ctx, runtime, id, refused(409, 'That field has changed or moved since the page was shown (perhaps in another window). Nothing was changed: check the field below and try again.'));
}
