import type { AccessibleObject, ObjectRef, ObjectTypeDefinition } from '../access/object-access.ts';
import type { Folder, FolderStore } from './folder-store.ts';

/** What contains a folder, innermost first: its parent, the parent's parent, ... (grants on each apply to it). */
export function containersOfFolderPath(pathIds: readonly string[]): ObjectRef[] {
  return pathIds.slice(0, -1).reverse().map((id) => ({ type: 'folder', id }));
}

/**
 * The folder and everything containing it, innermost first: what a record in `folderId` lists as its
 * containers (plugins get this through the `core.folders` service). Null when there is no such folder.
 */
export async function folderChain(folders: FolderStore, tenantId: string, folderId: string): Promise<ObjectRef[] | null> {
  const folder = await folders.find(tenantId, folderId);
  return folder ? [{ type: 'folder', id: folder.id }, ...containersOfFolderPath(folder.pathIds)] : null;
}

/** A folder as access control sees it. */
export function accessibleFolder(folder: Folder): AccessibleObject {
  return { type: 'folder', id: folder.id, tenantId: folder.tenantId, ownerId: folder.ownerId, title: folder.name, containers: containersOfFolderPath(folder.pathIds) };
}

/** Core's own object type: a folder, contained by its ancestors. */
export function folderObjectType(folders: FolderStore): ObjectTypeDefinition & { owner: string } {
  return {
    owner: 'core', label: 'folder', shareable: true,
    async locate(tenantId, id): Promise<AccessibleObject | null> {
      const folder = await folders.find(tenantId, id);
      return folder && accessibleFolder(folder);
    },
    pageOf: (tenantSlug, id) => `/t/${tenantSlug}/folders/${id}`,
  };
}
