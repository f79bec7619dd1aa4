// What every records page shares: the plugin's parts and core's page services, addresses, redirects and
// the assets the record pages link.
import type { Context } from 'koa';
import { formValue, tenantAccessOf, type PageLocals, type PluginRuntime, type RouteDeclaration } from '../../../core/plugin-api.ts';
import type { RecordsParts } from '../services/records-api.ts';

/** A records page route: its handler gets the plugin's runtime. */
export type PageRoute = RouteDeclaration<unknown, unknown, unknown, PluginRuntime>;

/** The records plugin's started parts. */
export const partsOf = (runtime: PluginRuntime): RecordsParts => runtime.services.get('records.api').parts;

/** Renders a whole records page in the tenant's theme and sends it with its status. */
export function sendRecordsPage(ctx: Context, runtime: PluginRuntime, view: string, data: Record<string, unknown>, locals: PageLocals = {}, status = 200): void {
  const pages = runtime.services.get('core.pages');
  pages.send(ctx, pages.render(ctx, `records/${view}`, data, locals), status);
}

/** Renders a records fragment (no layout) for a place inside another view. */
export function recordsFragment(ctx: Context, runtime: PluginRuntime, view: string, data: Record<string, unknown>): string {
  return runtime.services.get('core.pages').fragment(ctx, `records/${view}`, data);
}

/** `/t/<slug>/records`, the base of every records page of the request's tenant. */
export const recordsBase = (ctx: Context): string => `/t/${tenantAccessOf(ctx).tenant.slug}/records`;

/** A record's page. */
export const recordHref = (ctx: Context, id: string): string => `${recordsBase(ctx)}/${id}`;

/** Answers "see the page there" after a form post (303, so the browser GETs it). */
export function redirectAfterPost(ctx: Context, path: string): void {
  ctx.redirect(path);
  ctx.status = 303;
}

/** The revision a form was opened on (its hidden `revision`); anything else is 0, which never matches: a conflict, not an overwrite. */
export function revisionOf(body: unknown): number {
  const text = formValue(body, 'revision');
  return /^\d{1,9}$/.test(text) ? Number(text) : 0;
}

/** A flash message of failure for the top of a page. */
export const failure = (message: string): NonNullable<PageLocals['flash']> => [{ kind: 'error', message }];

/** The stylesheets of the record pages: the form widgets' and the pages' own. */
export const recordStyles = ['plugins/records/css/records.css', 'plugins/records/css/record-pages.css', 'plugins/records/css/record-files.css'];

/** The scripts of a page with a record form; autosave first on purpose, as the scripts work in any order. */
export const recordFormScripts = ['autosave', 'signature-pad', 'location-field', 'show-if', 'repeat-group', 'record-form', 'upload-form'].map((name) => `plugins/records/js/${name}.js`);

/** The autosave key of a record's form: its id, or for a new record the template and folder it is made from. */
export function autosaveKey(ctx: Context, record: { id: string } | { templateId: string; folderId: string | null }): string {
  const tenant = tenantAccessOf(ctx).tenant.slug;
  return 'id' in record ? `records:${tenant}:${record.id}` : `records:${tenant}:new:${record.templateId}:${record.folderId ?? ''}`;
}

/** The breadcrumbs of a records page: the tenant's home, the folders above the record the caller may see, then `tail`. */
export async function recordBreadcrumbs(ctx: Context, runtime: PluginRuntime, folderId: string | null, tail: Array<{ href: string; label: string }>): Promise<Array<{ href: string; label: string }>> {
  const { tenant } = tenantAccessOf(ctx);
  const trail = folderId ? (await runtime.services.get('core.folders').trail(ctx, folderId)) ?? [] : [];
  return [{ href: `/t/${tenant.slug}`, label: tenant.name }, ...trail.map((crumb) => ({ href: `/t/${tenant.slug}/folders/${crumb.id}`, label: crumb.name })), ...tail];
}
