import type { Context } from 'koa';
import type { RequestState } from '../http/request-state.ts';
import type { ParticipantRole } from '../tenants/roles.ts';
import type { PageExtensions } from './page-extensions.ts';
import type { RenderLocals, ThemeEngine } from './theme-engine.ts';

/** The locals a page may set itself; the request id, CSP nonce, user, tenant and CSRF token are filled in. */
export type PageLocals = Partial<Omit<RenderLocals, 'requestId' | 'cspNonce'>>;

/** Renders a themed page for this request: `(ctx, 'core/login', data, locals?) => html`. */
export type PageRenderer = (ctx: Context, view: string, data: Record<string, unknown>, locals?: PageLocals) => string;

/** Renders a view alone, without the layout (a panel inside another page): `(ctx, 'records/folder-panel', data) => html`. */
export type FragmentRenderer = (ctx: Context, view: string, data: Record<string, unknown>) => string;

interface SignedInState { user: { name: string; email: string; isInstanceAdmin: boolean }; via: string; csrfToken?: string }
interface TenantState { tenant: { slug: string; name: string; settings?: Record<string, unknown> }; role: string }

/** The locals of every page of this request: who is signed in, the CSRF token, the tenant and its navigation. */
function requestLocals(ctx: Context, extensions: PageExtensions | undefined): RenderLocals {
  const state = ctx.state as RequestState;
  const authentication = state.authentication as SignedInState | null | undefined;
  const access = state.tenantAccess as TenantState | undefined;
  return {
    requestId: state.requestId,
    cspNonce: state.cspNonce,
    ...(authentication ? { user: { name: authentication.user.name, email: authentication.user.email, isInstanceAdmin: authentication.user.isInstanceAdmin } } : {}),
    ...(authentication?.csrfToken ? { csrfToken: authentication.csrfToken } : {}),
    ...(access ? { tenant: { slug: access.tenant.slug, name: access.tenant.name, role: access.role } } : {}),
    ...(access && extensions?.hasNav ? { nav: extensions.navFor(access.tenant.slug, access.role as ParticipantRole, ctx.path) } : {}),
  };
}

/**
 * Makes the page renderer: every page knows who is signed in (for the header and the sign-out form),
 * the session's CSRF token (for every form), and the tenant it is shown in (for branding and navigation).
 */
export function createPageRenderer(themes: ThemeEngine, extensions?: PageExtensions): PageRenderer {
  return (ctx, view, data, locals = {}) => themes.render({ view, data, locals: { ...requestLocals(ctx, extensions), ...locals } });
}

/** Makes the fragment renderer: a view without the layout, with the same locals as a page (for panels). */
export function createFragmentRenderer(themes: ThemeEngine): FragmentRenderer {
  return (ctx, view, data) => themes.render({ view, data, layout: false, locals: requestLocals(ctx, undefined) });
}

/** Answers with a rendered page and its status (200 unless a form is shown again with errors). */
export function sendPage(ctx: Context, html: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}
