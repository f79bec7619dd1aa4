// What the template and structure pages share: their dependencies, their route type, and the small
// steps every form handler takes (a 303 back to the page, a page shown again with a message).
import type { Context } from 'koa';
import { tenantAccessOf, type PageLocals, type PageService, type PluginRuntime, type RouteDeclaration } from '../../../core/plugin-api.ts';
import type { RecordsParts } from '../services/records-api.ts';

/** A page route of the records plugin. */
export type PageRoute = RouteDeclaration<unknown, unknown, unknown, PluginRuntime>;

/** What a page shows again with: the status (422 and 409 for refusals) and a message at its top. */
export interface Shown {
  status?: number;
  flash?: PageLocals['flash'];
}

/** The records plugin's parts. */
export const partsOf = (runtime: PluginRuntime): RecordsParts => runtime.services.get('records.api').parts;

/** Core's page service. */
export const pagesOf = (runtime: PluginRuntime): PageService => runtime.services.get('core.pages');

/** The stylesheet of the template and structure pages, linked after the theme's own. */
export const designerAssets: Pick<PageLocals, 'styles'> = { styles: ['plugins/records/css/template-designer.css'] };

/** The path parameters of a page under `/t/:t/<things>/:id`. */
export function idOf(params: unknown): string {
  return (params as { id: string }).id;
}

/** The tenant's pages start here: `/t/<slug>`. */
export function tenantPath(ctx: Context): string {
  return `/t/${tenantAccessOf(ctx).tenant.slug}`;
}

/** Answers a form post with 303 See Other, so that reloading the next page does not post again. */
export function seeOther(ctx: Context, location: string): void {
  ctx.redirect(location);
  ctx.status = 303;
}

/** A page shown again after a refusal: its status and an error message at the top. */
export function refused(status: number, message: string): Shown {
  return { status, flash: [{ kind: 'error', message }] };
}

/** Renders a page of these views with the designer's stylesheet (and any `scripts`, as asset paths) and sends it. */
export function sendView(ctx: Context, runtime: PluginRuntime, view: string, data: Record<string, unknown>, shown: Shown = {}, scripts: readonly string[] = []): void {
  const pages = pagesOf(runtime);
  const locals: PageLocals = { ...designerAssets, ...(scripts.length > 0 ? { scripts } : {}), ...(shown.flash ? { flash: shown.flash } : {}) };
  pages.send(ctx, pages.render(ctx, view, data, locals), shown.status ?? 200);
}
