import type { Database } from '../db/open-database.ts';
import type { Identity } from '../identity/create-identity.ts';
import { IdentityReadCache } from '../identity/identity-read-cache.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import type { PageRenderer } from '../web/page-renderer.ts';
import { folderChain, folderObjectType } from '../folders/folder-object-type.ts';
import { FolderOperations } from '../folders/folder-operations.ts';
import { folderPages } from '../folders/folder-pages.ts';
import { folderRoutes } from '../folders/folder-routes.ts';
import { FolderStore } from '../folders/folder-store.ts';
import { ShareOperations } from '../shares/share-operations.ts';
import { sharePages } from '../shares/share-pages.ts';
import { shareRoutes } from '../shares/share-routes.ts';
import { ShareStore } from '../shares/share-store.ts';
import { AccessControl } from './access-control.ts';
import type { ObjectRef } from './object-access.ts';
import { ObjectTypeRegistry, type RegisteredObjectType } from './object-type-registry.ts';

/** Core's folder service for plugins (`core.folders`): what a record in a folder is contained by. */
export interface FolderService {
  /** The folder and its ancestors, innermost first (an object's `containers`), or null when the folder is not in this tenant. */
  chainOf(tenantId: string, folderId: string): Promise<ObjectRef[] | null>;
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.folders': FolderService;
  }
}

/** Core access control, wired: object types, folders, shares, and their routes and pages. */
export interface Access {
  control: AccessControl;
  folders: FolderStore;
  folderOperations: FolderOperations;
  shares: ShareStore;
  shareOperations: ShareOperations;
  folderService: FolderService;
  routes: OwnedRoute[];
}

/** Builds access control over the identity parts, with core's folder type and the plugins' object types. */
export function createAccess(deps: {
  db: Database; identity: Identity; pluginObjectTypes: Iterable<[string, RegisteredObjectType]>; renderPage: PageRenderer;
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
    control, folders, folderOperations, shares, shareOperations,
    folderService: { chainOf: (tenantId, folderId) => folderChain(folders, tenantId, folderId) },
    routes: [
      ...folderRoutes(folderOperations),
      ...shareRoutes(shareOperations),
      ...folderPages({ folders: folderOperations, shares: shareOperations, access: control, renderPage: deps.renderPage }),
      ...sharePages({ shares: shareOperations, renderPage: deps.renderPage }),
    ],
  };
}
