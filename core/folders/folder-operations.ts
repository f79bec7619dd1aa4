import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import type { AccessControl } from '../access/access-control.ts';
import { effectiveAccess, type GrantMap, type Participant } from '../access/access-rules.ts';
import type { AccessLevel } from '../access/object-access.ts';
import { auditEventOf } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { AppError } from '../http/app-error.ts';
import { tenantAccessOf } from '../identity/access-policies.ts';
import type { ShareStore } from '../shares/share-store.ts';
import { accessibleFolder } from './folder-object-type.ts';
import type { Folder, FolderPage, FolderStore } from './folder-store.ts';

/** A folder with the caller's access to it. */
export interface VisibleFolder extends Folder {
  access: AccessLevel;
}

/** One step of a breadcrumb trail: only folders the caller can see are named. */
export interface Breadcrumb {
  id: string;
  name: string;
}

const onlyManagersAtTop = (): AppError => new AppError(403, 'forbidden', 'Only managers and admins make or move folders at the top level; choose a folder to put it in.');

/**
 * What people do with folders, for the API and the pages alike: each step asks access control and
 * writes its audit entry in the same transaction as the change.
 */
export class FolderOperations {
  readonly #db: Database;
  readonly #folders: FolderStore;
  readonly #access: AccessControl;
  readonly #shares: ShareStore;

  constructor(deps: { db: Database; folders: FolderStore; access: AccessControl; shares: ShareStore }) {
    this.#db = deps.db;
    this.#folders = deps.folders;
    this.#access = deps.access;
    this.#shares = deps.shares;
  }

  /** The folder if the caller may see it (404 otherwise), with its visible breadcrumbs; the view is audited. */
  async view(ctx: Context, id: string): Promise<{ folder: VisibleFolder; breadcrumbs: Breadcrumb[] }> {
    const { tenant } = tenantAccessOf(ctx);
    const folder = await this.#folders.find(tenant.id, id);
    const { level } = await this.#access.requireAccessTo(ctx, 'view', { type: 'folder', id }, folder && accessibleFolder(folder));
    ctx.audit.recordSoon(auditEventOf(ctx, { action: 'folder.view', objectType: 'folder', objectId: id }));
    return { folder: { ...folder!, access: level }, breadcrumbs: folder!.pathIds.length === 1 ? [{ id: folder!.id, name: folder!.name }] : await this.breadcrumbs(ctx, folder!) };
  }

  /** The ancestors of a folder the caller can see, top first, and the folder itself last. */
  async breadcrumbs(ctx: Context, folder: Folder): Promise<Breadcrumb[]> {
    const participant = this.#access.participantOfRequest(ctx);
    const grants = await this.#access.grantsFor(folder.tenantId, participant);
    const ancestors = await this.#folders.findMany(folder.tenantId, folder.pathIds.slice(0, -1));
    const byId = new Map(ancestors.map((a) => [a.id, a]));
    const trail: Breadcrumb[] = [];
    for (const ancestorId of folder.pathIds.slice(0, -1)) {
      const ancestor = byId.get(ancestorId);
      if (ancestor && levelOf(participant, ancestor, grants) !== null) trail.push({ id: ancestor.id, name: ancestor.name });
    }
    return [...trail, { id: folder.id, name: folder.name }];
  }

  /**
   * The subfolders of a folder the caller can see (null: the top level). Admins and managers see the
   * whole tree; others see, at the top, the folders shared with them or theirs that nothing above them already gives.
   */
  async list(ctx: Context, parentId: string | null, page: { limit: number; after: { nameKey: string; id: string } | null }): Promise<{ items: VisibleFolder[]; next: FolderPage['next'] }> {
    const { tenant } = tenantAccessOf(ctx);
    const participant = this.#access.participantOfRequest(ctx);
    const grants = await this.#access.grantsFor(tenant.id, participant);
    if (parentId !== null) await this.#access.requireAccess(ctx, 'view', { type: 'folder', id: parentId });
    if (parentId !== null || participant.role === 'admin' || participant.role === 'manager') {
      const found = await this.#folders.children(tenant.id, parentId, page);
      return { items: found.items.map((folder) => ({ ...folder, access: levelOf(participant, folder, grants)! })), next: found.next };
    }
    const grantedIds = [...grants.keys()].filter((key) => key.startsWith('folder:')).map((key) => key.slice('folder:'.length));
    const candidates = [...await this.#folders.findMany(tenant.id, grantedIds), ...(participant.role === 'member' ? await this.#folders.ownedBy(tenant.id, participant.userId) : [])];
    const ids = new Set(candidates.map((folder) => folder.id));
    const roots = new Map<string, VisibleFolder>();
    for (const folder of candidates) {
      const level = levelOf(participant, folder, grants);
      if (level === null || folder.pathIds.slice(0, -1).some((ancestor) => ids.has(ancestor))) continue;
      roots.set(folder.id, { ...folder, access: level });
    }
    const items = [...roots.values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id));
    return { items, next: null };
  }

  /** Makes a folder: at the top for managers and admins, inside a folder for anyone who may edit it. */
  async create(ctx: Context, input: { name: string; parentId: string | null }): Promise<VisibleFolder> {
    const folder = await this.#db.transaction((transaction) => this.createIn(ctx, input, transaction));
    const participant = this.#access.participantOfRequest(ctx);
    const grants = await this.#access.grantsFor(folder.tenantId, participant);
    return { ...folder, access: levelOf(participant, folder, grants) ?? 'manage' };
  }

  /**
   * Makes a folder inside a transaction the caller holds (a plugin building a folder tree and its records
   * in one go): the parent is read through the transaction, so it may be a folder made earlier in it.
   * Access is checked as in create() and the audit entry is written in the same transaction.
   */
  async createIn(ctx: Context, input: { name: string; parentId: string | null }, transaction: Transaction): Promise<Folder> {
    const { tenant, role } = tenantAccessOf(ctx);
    const participant = this.#access.participantOfRequest(ctx);
    if (input.parentId === null && role !== 'admin' && role !== 'manager') {
      this.#access.recordDenial(ctx, null, 'folder.create', 'top_level_needs_manager');
      throw onlyManagersAtTop();
    }
    const parent = input.parentId === null ? null : await this.#folders.find(tenant.id, input.parentId, transaction);
    if (input.parentId !== null) await this.#access.requireAccessTo(ctx, 'edit', { type: 'folder', id: input.parentId }, parent && accessibleFolder(parent));
    const made = await this.#folders.create({ tenantId: tenant.id, parent, name: input.name, ownerId: participant.userId }, transaction);
    await ctx.audit.record(auditEventOf(ctx, { action: 'folder.create', objectType: 'folder', objectId: made.id, details: { name: made.name, parentId: made.parentId } }), transaction);
    return made;
  }

  /** Renames (edit access) and/or moves (manage access here, edit access at the destination) a folder. */
  async update(ctx: Context, id: string, change: { name?: string; parentId?: string | null }): Promise<VisibleFolder> {
    const moving = change.parentId !== undefined;
    const { level } = await this.#access.requireAccess(ctx, moving ? 'manage' : 'edit', { type: 'folder', id });
    const { tenant, role } = tenantAccessOf(ctx);
    if (moving && change.parentId === null && role !== 'admin' && role !== 'manager') {
      this.#access.recordDenial(ctx, { type: 'folder', id }, 'folder.move', 'top_level_needs_manager');
      throw onlyManagersAtTop();
    }
    if (moving && change.parentId !== null) await this.#access.requireAccess(ctx, 'edit', { type: 'folder', id: change.parentId! });
    const updated = await this.#db.transaction(async (transaction) => {
      const folder = (await this.#folders.find(tenant.id, id, transaction))!;
      const details: Record<string, unknown> = {};
      if (change.name !== undefined && change.name !== folder.name) {
        await this.#folders.rename(folder, change.name, transaction);
        details.name = { from: folder.name, to: change.name };
      }
      if (moving && change.parentId !== folder.parentId) {
        const parent = change.parentId === null ? null : await this.#folders.find(tenant.id, change.parentId!, transaction);
        await this.#folders.move({ ...folder, name: change.name ?? folder.name }, parent, transaction);
        details.parentId = { from: folder.parentId, to: change.parentId };
      }
      if (Object.keys(details).length > 0) await ctx.audit.record(auditEventOf(ctx, { action: 'folder.update', objectType: 'folder', objectId: id, details }), transaction);
      return (await this.#folders.find(tenant.id, id, transaction))!;
    });
    return { ...updated, access: level };
  }

  /**
   * Deletes a folder (manage access). A folder that still holds folders or objects is not deleted
   * (409, saying what is inside): move or delete those first, so nothing disappears by surprise.
   */
  async remove(ctx: Context, id: string): Promise<void> {
    await this.#access.requireAccess(ctx, 'delete', { type: 'folder', id });
    const { tenant } = tenantAccessOf(ctx);
    await this.#db.transaction(async (transaction) => {
      const folder = await this.#folders.find(tenant.id, id, transaction);
      if (!folder) throw new AppError(404, 'not_found', 'No such folder here, or it is not shared with you.');
      const contents: Record<string, number> = { folder: await this.#folders.countChildren(tenant.id, id, transaction) };
      for (const typeName of this.#access.types.names()) {
        const type = this.#access.types.find(typeName)!;
        if (type.countInFolder) contents[typeName] = await type.countInFolder(tenant.id, id, { db: this.#db, transaction });
      }
      const held = Object.entries(contents).filter(([, count]) => count > 0);
      if (held.length > 0) {
        const what = held.map(([type, count]) => `${count} ${this.#access.types.find(type)?.label ?? type}${count === 1 ? '' : 's'}`).join(' and ');
        throw new AppError(409, 'folder_not_empty', `This folder still holds ${what}; move or delete them first.`, { details: { contents: Object.fromEntries(held) } });
      }
      await this.#shares.revokeAllOn(tenant.id, [{ type: 'folder', id }], transaction);
      await this.#folders.delete(folder, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'folder.delete', objectType: 'folder', objectId: id, details: { name: folder.name, parentId: folder.parentId } }), transaction);
    });
  }
}

/** A participant's level on a folder, from the grants already read. */
function levelOf(participant: Participant, folder: Folder, grants: GrantMap): AccessLevel | null {
  return effectiveAccess(participant, accessibleFolder(folder), grants);
}

