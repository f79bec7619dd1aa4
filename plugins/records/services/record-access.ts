import type { Context } from 'koa';
import { AppError, roleAtLeast, tenantAccessOf, type AccessibleObject, type FolderService, type GrantedObject } from '../../../core/plugin-api.ts';
import type { StoredRecord } from './record-store.ts';

/** A record as access control sees it: owned by its author, contained by its folder and that folder's ancestors. */
export async function accessibleRecord(folders: FolderService, record: StoredRecord): Promise<AccessibleObject> {
  const containers = record.folderId ? (await folders.chainOf(record.tenantId, record.folderId)) ?? [] : [];
  return { type: 'record', id: record.id, tenantId: record.tenantId, ownerId: record.ownerId, title: record.title, containers };
}

/** requireAccess for a record already read (null: none), without reading it a second time. */
export async function requireRecordAccess(ctx: Context, folders: FolderService, action: 'view' | 'edit' | 'manage' | 'delete', id: string, record: StoredRecord | null): Promise<GrantedObject> {
  return ctx.access.requireAccessTo(ctx, action, { type: 'record', id }, record && await accessibleRecord(folders, record));
}

/**
 * May the caller make a record in this folder (null: at the top)? Edit access to the folder, or, at the
 * top, being a member, manager or admin (a member's record is their own). Refusals are audited.
 */
export async function requireRecordPlace(ctx: Context, folderId: string | null): Promise<void> {
  if (folderId !== null) {
    await ctx.access.requireAccess(ctx, 'edit', { type: 'folder', id: folderId });
    return;
  }
  const { role } = tenantAccessOf(ctx);
  if (role === 'guest' || !roleAtLeast(role, 'member')) {
    ctx.access.recordDenial(ctx, null, 'record.create', 'top_level_needs_member');
    throw new AppError(403, 'forbidden', 'Choose a folder shared with you to make the record in.', { details: { fields: { folderId: 'is required for you' } } });
  }
}
