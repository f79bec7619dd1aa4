import type { Context } from 'koa';
import type { AccessControl } from '../access/access-control.ts';
import { tenantParticipant } from '../access/tenant-participant-policy.ts';
import { levelAtLeast } from '../access/object-access.ts';
import { authenticationOf, tenantAccessOf } from '../identity/access-policies.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { formErrorsOf, type FieldErrors } from '../web/form-errors.ts';
import { formValue } from '../web/form-value.ts';
import { sendPage, type PageLocals, type PageRenderer } from '../web/page-renderer.ts';
import type { ShareOperations } from '../shares/share-operations.ts';
import { sharePanel } from '../shares/share-panel.ts';
import type { PageExtensions } from '../web/page-extensions.ts';
import { folderName } from './folder-name.ts';
import type { FolderOperations } from './folder-operations.ts';

/** What the folder pages work with. */
export interface FolderPageDependencies {
  folders: FolderOperations;
  shares: ShareOperations;
  access: AccessControl;
  renderPage: PageRenderer;
  /** The plugins' panels on the home and folder pages. */
  extensions: PageExtensions;
}

interface PageExtras { values?: Record<string, string>; errors?: FieldErrors; status?: number; flash?: PageLocals['flash'] }

const roleLabels: Record<string, string> = { admin: 'admin', manager: 'manager', member: 'member', viewer: 'viewer', guest: 'guest' };
const idParam = (ctx: Context): string => String((ctx as Context & { params: Record<string, string> }).params.id);
const failed = (message: string): PageLocals['flash'] => [{ kind: 'error', message }];

/** The tenant's home (its folders) and each folder's page: subfolders, rename, delete and sharing. */
export function folderPages(deps: FolderPageDependencies): OwnedRoute[] {
  const { folders, renderPage } = deps;

  const showHome = async (ctx: Context, extra: PageExtras = {}): Promise<void> => {
    const { tenant, role } = tenantAccessOf(ctx);
    const { items } = await folders.list(ctx, null, { limit: 200, after: null });
    const tenantCount = (await ctx.identity.memberships.tenantsOf(authenticationOf(ctx).user.id)).length;
    sendPage(ctx, renderPage(ctx, 'core/dashboard', {
      title: tenant.name, role: roleLabels[role], isAdmin: role === 'admin', isGuest: role === 'guest', tenantCount: tenantCount > 1,
      folders: items.map((folder) => ({ id: folder.id, name: folder.name, access: folder.access })),
      canCreate: role === 'admin' || role === 'manager', values: extra.values ?? {}, errors: extra.errors ?? {},
      panels: await deps.extensions.renderPanels(ctx, 'tenant.home', {}),
    }, extra.flash ? { flash: extra.flash } : {}), extra.status ?? 200);
  };

  const showFolder = async (ctx: Context, id: string, extra: PageExtras = {}): Promise<void> => {
    const { tenant } = tenantAccessOf(ctx);
    const { folder, breadcrumbs } = await folders.view(ctx, id);
    const { items } = await folders.list(ctx, folder.id, { limit: 200, after: null });
    const canManage = levelAtLeast(folder.access, 'manage');
    sendPage(ctx, renderPage(ctx, 'core/folder', {
      title: folder.name, folder: { id: folder.id, name: folder.name, access: folder.access },
      subfolders: items.map((child) => ({ id: child.id, name: child.name })),
      canEdit: levelAtLeast(folder.access, 'edit'), canManage,
      panels: await deps.extensions.renderPanels(ctx, 'folder.page', { folder: { id: folder.id, name: folder.name, access: folder.access } }),
      share: canManage ? await sharePanel(ctx, deps.shares, { type: 'folder', id: folder.id, back: `/t/${tenant.slug}/folders/${folder.id}` }) : null,
      values: { newName: folder.name, ...extra.values }, errors: extra.errors ?? {},
      breadcrumbs: [{ href: `/t/${tenant.slug}`, label: tenant.name }, ...breadcrumbs.map((crumb) => ({ href: `/t/${tenant.slug}/folders/${crumb.id}`, label: crumb.name }))],
    }, extra.flash ? { flash: extra.flash } : {}), extra.status ?? 200);
  };

  /** Makes a folder from a form (at the top or in `parentId`) and goes to it; errors show beside the field. */
  const createFromForm = async (ctx: Context, body: unknown, parentId: string | null): Promise<void> => {
    const values = { name: formValue(body, 'name') };
    const back = (extra: PageExtras): Promise<void> => (parentId ? showFolder(ctx, parentId, extra) : showHome(ctx, extra));
    const parsed = folderName.safeParse(values.name);
    if (!parsed.success) return back({ values, errors: { name: parsed.error.issues[0]!.message }, status: 422, flash: failed('Check the folder name.') });
    try {
      const made = await folders.create(ctx, { name: parsed.data, parentId });
      ctx.redirect(`/t/${tenantAccessOf(ctx).tenant.slug}/folders/${made.id}`);
      ctx.status = 303;
    } catch (thrown) {
      const { fields, message, status } = formErrorsOf(thrown);
      if (status === 404) throw thrown;
      await back({ values, errors: fields, status, flash: failed(message) });
    }
  };

  return [
    {
      owner: 'core', method: 'GET', path: '/t/:t', policy: tenantParticipant, tags: ['web'],
      summary: 'The tenant\'s home: its folders (for members, viewers and guests, those shared with them).',
      handler: (ctx) => showHome(ctx),
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/folders', policy: tenantParticipant, tags: ['web'],
      summary: 'Makes a top-level folder from the home page (managers and admins).',
      handler: (ctx, { body }) => createFromForm(ctx, body, null),
    },
    {
      owner: 'core', method: 'GET', path: '/t/:t/folders/:id', policy: tenantParticipant, tags: ['web'],
      summary: 'A folder\'s page: breadcrumbs, subfolders, and (by access) new folder, rename, delete and sharing.',
      handler: (ctx) => showFolder(ctx, idParam(ctx)),
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/folders/:id/folders', policy: tenantParticipant, tags: ['web'],
      summary: 'Makes a subfolder from a folder\'s page.',
      handler: (ctx, { body }) => createFromForm(ctx, body, idParam(ctx)),
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/folders/:id/rename', policy: tenantParticipant, tags: ['web'],
      summary: 'Renames a folder from its page.',
      async handler(ctx, { body }) {
        const id = idParam(ctx);
        const values = { newName: formValue(body, 'newName') };
        const parsed = folderName.safeParse(values.newName);
        if (!parsed.success) return showFolder(ctx, id, { values, errors: { newName: parsed.error.issues[0]!.message }, status: 422, flash: failed('Check the new name.') });
        try {
          await folders.update(ctx, id, { name: parsed.data });
          await showFolder(ctx, id, { flash: [{ kind: 'success', message: `Renamed to ${parsed.data}.` }] });
        } catch (thrown) {
          const { fields, message, status } = formErrorsOf(thrown);
          if (status === 404) throw thrown;
          await showFolder(ctx, id, { values, errors: fields.name ? { newName: fields.name } : {}, status, flash: failed(message) });
        }
      },
    },
    {
      owner: 'core', method: 'POST', path: '/t/:t/folders/:id/delete', policy: tenantParticipant, tags: ['web'],
      summary: 'Deletes an empty folder from its page and goes to its parent.',
      async handler(ctx) {
        const id = idParam(ctx);
        const { tenant } = tenantAccessOf(ctx);
        const parentId = (await deps.access.locate(tenant.id, { type: 'folder', id }))?.containers[0]?.id;
        try {
          await folders.remove(ctx, id);
          ctx.redirect(parentId ? `/t/${tenant.slug}/folders/${parentId}` : `/t/${tenant.slug}`);
          ctx.status = 303;
        } catch (thrown) {
          const { message, status } = formErrorsOf(thrown);
          if (status === 404) throw thrown;
          await showFolder(ctx, id, { status, flash: failed(message) });
        }
      },
    },
  ];
}
