import type { Context } from 'koa';
import type { RequestState } from '../http/request-state.ts';
import type { RenderLocals, ThemeEngine } from './theme-engine.ts';

/** The locals a page may set itself; the request id, CSP nonce, user, tenant and CSRF token are filled in. */
export type PageLocals = Partial<Omit<RenderLocals, 'requestId' | 'cspNonce'>>;

/** Renders a themed page for this request: `(ctx, 'core/login', data, locals?) => html`. */
export type PageRenderer = (ctx: Context, view: string, data: Record<string, unknown>, locals?: PageLocals) => string;

interface SignedInState { user: { name: string; email: string; isInstanceAdmin: boolean }; via: string; csrfToken?: string }
interface TenantState { tenant: { slug: string; name: string; settings?: Record<string, unknown> }; role: string }

/**
 * Makes the page renderer: every page knows who is signed in (for the header and the sign-out form),
 * the session's CSRF token (for every form), and the tenant it is shown in (for branding).
 */
export function createPageRenderer(themes: ThemeEngine): PageRenderer {
  return (ctx, view, data, locals = {}) => {
    const state = ctx.state as RequestState;
    const authentication = state.authentication as SignedInState | null | undefined;
    const access = state.tenantAccess as TenantState | undefined;
    return themes.render({
      view,
      data,
      locals: {
        requestId: state.requestId,
        cspNonce: state.cspNonce,
        ...(authentication ? { user: { name: authentication.user.name, email: authentication.user.email, isInstanceAdmin: authentication.user.isInstanceAdmin } } : {}),
        ...(authentication?.csrfToken ? { csrfToken: authentication.csrfToken } : {}),
        ...(access ? { tenant: { slug: access.tenant.slug, name: access.tenant.name, role: access.role } } : {}),
        ...locals,
      },
    });
  };
}

/** Answers with a rendered page and its status (200 unless a form is shown again with errors). */
export function sendPage(ctx: Context, html: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}
