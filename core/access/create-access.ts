import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import type { Identity } from '../identity/create-identity.ts';
import { IdentityReadCache } from '../identity/identity-read-cache.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import type { PageRenderer } from '../web/page-renderer.ts';
import { folderChain, folderObjectType } from '../folders/folder-object-type.ts';
import { FolderOperations, type Breadcrumb, type VisibleFolder } from '../folders/folder-operations.ts';
import { folderPages } from '../folders/folder-pages.ts';
import { folderRoutes } from '../folders/folder-routes.ts';
import { FolderStore, type Folder } from '../folders/folder-store.ts';
import { sharePanel, type SharePanelData } from '../shares/share-panel.ts';
import type { PageExtensions } from '../web/page-extensions.ts';
import { inviteLinkPages } from '../shares/invite-link-pages.ts';
import { inviteLinkRoutes } from '../shares/invite-link-routes.ts';
import { ShareOperations } from '../shares/share-operations.ts';
import { sharePages } from '../shares/share-pages.ts';
import { shareRoutes } from '../shares/share-routes.ts';
import { ShareStore } from '../shares/share-store.ts';
import { AccessControl } from './access-control.ts';
import type { ObjectRef } from './object-access.ts';
import { tenantAccessOf } from '../identity/access-policies.ts';
import { ObjectTypeRegistry, type RegisteredObjectType } from './object-type-registry.ts';

/** Core's folder service for plugins (`core.folders`): what a record in a folder is contained by, and folders made with a plugin's own work. */
export interface FolderService {
  /** The folder and its ancestors, innermost first (an object's `containers`), or null when the folder is not in this tenant. */
  chainOf(tenantId: string, folderId: string): Promise<ObjectRef[] | null>;
  /** A folder of the request's tenant, or null when there is none (or it is another tenant's). */
  find(tenantId: string, folderId: string, transaction?: Transaction): Promise<Folder | null>;
  /** These folders and every folder under them: where a grant on them reaches (records listed by visibility). */
  subtreeIds(tenantId: string, folderIds: readonly string[]): Promise<string[]>;
  /** The folder's breadcrumbs the caller may see, top first, the folder itself last. Null when there is no such folder. */
  trail(ctx: Context, folderId: string): Promise<Breadcrumb[] | null>;
  /**
   * Makes a folder inside the caller's transaction, checking access like POST .../folders (managers at
   * the top, edit access inside a folder, which may be one made earlier in the same transaction) and
   * auditing `folder.create` in it.
   */
  create(ctx: Context, input: { name: string; parentId: string | null }, transaction: Transaction): Promise<Folder>;
  /**
   * The subfolders of a folder the caller can see (null: the top level), by name, at most `limit` (1 to
   * 200, default 200), each with the caller's access: what GET .../folders lists. A parent the caller
   * cannot see answers 404.
   */
  children(ctx: Context, parentId: string | null, limit?: number): Promise<VisibleFolder[]>;
}

/** Core's sharing service for plugins (`core.shares`): the Sharing panel of an object's page, and ending shares with the object. */
export interface ShareService {
  /** The `share-panel` partial's data for an object the caller manages. */
  panel(ctx: Context, object: { type: string; id: string; back: string }): Promise<SharePanelData>;
  /** Ends every share of these objects (when they are deleted), inside the deleting transaction. */
  revokeAllOn(tenantId: string, objects: readonly ObjectRef[], transaction: Transaction): Promise<void>;
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.folders': FolderService;
    'core.shares': ShareService;
  }
}

// As many as one page of GET .../folders holds.
const maxChildren = 200;

/** Core access control, wired: object types, folders, shares, and their routes and pages. */
export interface Access {
  control: AccessControl;
  folders: FolderStore;
  folderOperations: FolderOperations;
  shares: ShareStore;
  shareOperations: ShareOperations;
  folderService: FolderService;
  shareService: ShareService;
  /** The per-process cache of shares and folders (SQLite only). */
  readCache: IdentityReadCache;
  routes: OwnedRoute[];
}

/** Builds access control over the identity parts, with core's folder type and the plugins' object types. */
export function createAccess(deps: {
  db: Database; identity: Identity; pluginObjectTypes: Iterable<[string, RegisteredObjectType]>; renderPage: PageRenderer;
  pageExtensions: PageExtensions;
  publicUrl: string | null; inviteDays: number;
}): Access {
  const { db, identity } = deps;
  // Shares and folders change rarely next to how often every object request reads them: cached like the
  // identity reads (SQLite only, one node); any share or folder write empties the cache once committed.
  const accessCache = new IdentityReadCache({ enabled: db.dialect === 'sqlite' });
  const shares = new ShareStore(db, accessCache);
  const folders = new FolderStore(db, accessCache);
  const types = new ObjectTypeRegistry([['folder', folderObjectType(folders)], ...deps.pluginObjectTypes]);
  const control = new AccessControl({ db, types, shares, memberships: identity.memberships });
  const folderOperations = new FolderOperations({ db, folders, access: control, shares });
  const shareOperations = new ShareOperations({
    db, shares, access: control, users: identity.users, memberships: identity.memberships, tenants: identity.tenants,
    sessions: identity.sessions, hasher: identity.hasher, publicUrl: deps.publicUrl, inviteDays: deps.inviteDays,
  });
  return {
    control, folders, folderOperations, shares, shareOperations, readCache: accessCache,
    folderService: {
      chainOf: (tenantId, folderId) => folderChain(folders, tenantId, folderId),
      find: (tenantId, folderId, transaction) => folders.find(tenantId, folderId, transaction),
      subtreeIds: (tenantId, folderIds) => folders.subtreeIds(tenantId, folderIds),
      async trail(ctx, folderId) {
        const folder = await folders.find(tenantAccessOf(ctx).tenant.id, folderId);
        return folder && folderOperations.breadcrumbs(ctx, folder);
      },
      create: (ctx, input, transaction) => folderOperations.createIn(ctx, input, transaction),
      async children(ctx, parentId, limit = maxChildren) {
        const most = Math.max(1, Math.min(maxChildren, Math.floor(limit)));
        // The top level of someone who sees only some folders comes whole, not a page at a time.
        return (await folderOperations.list(ctx, parentId, { limit: most, after: null })).items.slice(0, most);
      },
    },
    shareService: {
      panel: (ctx, object) => sharePanel(ctx, shareOperations, object),
      revokeAllOn: (tenantId, objects, transaction) => shares.revokeAllOn(tenantId, objects, transaction),
    },
    routes: [
      ...folderRoutes(folderOperations),
      ...shareRoutes(shareOperations),
      ...inviteLinkRoutes({ shares: shareOperations, invitations: identity.invitations }),
      ...folderPages({ folders: folderOperations, shares: shareOperations, access: control, renderPage: deps.renderPage, extensions: deps.pageExtensions }),
      ...sharePages({ shares: shareOperations, renderPage: deps.renderPage }),
      ...inviteLinkPages({ shares: shareOperations, invitations: identity.invitations, renderPage: deps.renderPage }),
    ],
  };
}
