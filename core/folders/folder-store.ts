import { newId } from '../db/new-id.ts';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';
import { AppError } from '../http/app-error.ts';
import type { IdentityReadCache } from '../identity/identity-read-cache.ts';

/** One folder of a tenant's tree. */
export interface Folder {
  id: string;
  tenantId: string;
  parentId: string | null;
  /** Ids from the top down to this folder's own: the ancestors are all but the last. */
  pathIds: string[];
  name: string;
  ownerId: string | null;
  createdAt: number;
  updatedAt: number;
}

interface FolderRow { id: string; tenant_id: string; parent_id: string | null; path: string; name: string; owner_id: string | null; created_at: unknown; updated_at: unknown }

const columns = 'id, tenant_id, parent_id, path, name, owner_id, created_at, updated_at';
/** Deeper trees than this are refused: the path column and every breadcrumb stay bounded. */
export const maxFolderDepth = 20;

const toFolder = (row: FolderRow): Folder => ({
  id: row.id, tenantId: row.tenant_id, parentId: row.parent_id, pathIds: row.path.split('/').filter(Boolean), name: row.name,
  ownerId: row.owner_id, createdAt: timeValue(row.created_at)!, updatedAt: timeValue(row.updated_at)!,
});
const frozen = (folder: Folder): Folder => Object.freeze({ ...folder, pathIds: Object.freeze(folder.pathIds) as string[] });
const pathOf = (ids: readonly string[]): string => `/${ids.join('/')}/`;
const nameTaken = (name: string): AppError => new AppError(409, 'name_taken', `A folder named "${name}" is already there; choose another name.`, { details: { fields: { name: 'is already used here' } } });
const tooDeep = (): AppError => new AppError(422, 'too_deep', `Folders nest at most ${maxFolderDepth} levels deep.`);

/** A page of folders and where the next one starts. */
export interface FolderPage {
  items: Folder[];
  next: { nameKey: string; id: string } | null;
}

/** Folders in the database (kirjuri_folders): each tenant's own tree, with a materialised path for subtrees. */
export class FolderStore {
  readonly #db: Database;
  readonly #cache: IdentityReadCache;

  /** `cache`: the per-process read cache of access data (SQLite only); every folder write empties it once committed. */
  constructor(db: Database, cache: IdentityReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  /** Makes a folder under `parent` (null: at the top). Sibling names are unique, whatever their case. */
  async create(input: { tenantId: string; parent: Folder | null; name: string; ownerId: string }, transaction: Transaction): Promise<Folder> {
    const id = newId();
    const pathIds = [...(input.parent?.pathIds ?? []), id];
    if (pathIds.length > maxFolderDepth) throw tooDeep();
    const now = Date.now();
    try {
      await this.#db.sequelize.query(
        'INSERT INTO kirjuri_folders (id, tenant_id, parent_id, parent_key, path, name, name_key, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)',
        { bind: [id, input.tenantId, input.parent?.id ?? null, input.parent?.id ?? '', pathOf(pathIds), input.name, input.name.toLowerCase(), input.ownerId, now], type: QueryTypes.INSERT, transaction },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw nameTaken(input.name);
      throw error;
    }
    this.#cache.invalidateAfter(transaction);
    return { id, tenantId: input.tenantId, parentId: input.parent?.id ?? null, pathIds, name: input.name, ownerId: input.ownerId, createdAt: now, updatedAt: now };
  }

  /** The folder with this id in this tenant, or null (another tenant's folder is null too). */
  async find(tenantId: string, id: string, transaction?: Transaction): Promise<Folder | null> {
    const sql = `SELECT ${columns} FROM kirjuri_folders WHERE tenant_id = $1 AND id = $2`;
    if (transaction) {
      const [row] = await this.#db.sequelize.query<FolderRow>(sql, { bind: [tenantId, id], type: QueryTypes.SELECT, transaction });
      return row ? toFolder(row) : null;
    }
    // Every object request reads its folder chain: cached like the identity reads, frozen because shared.
    return this.#cache.through(`folder:${tenantId}:${id}`, async () => {
      const [row] = await this.#db.selectRows<FolderRow>(sql, [tenantId, id]);
      return row ? frozen(toFolder(row)) : null;
    });
  }

  /** Folders by id in one tenant (for breadcrumbs and share lists); missing ids are left out. */
  async findMany(tenantId: string, ids: readonly string[]): Promise<Folder[]> {
    const found = await Promise.all(ids.map((id) => this.find(tenantId, id)));
    return found.filter((folder): folder is Folder => folder !== null);
  }

  /** The direct subfolders of a folder (null: the top level), by name, a page at a time (keyset). */
  async children(tenantId: string, parentId: string | null, page: { limit: number; after: { nameKey: string; id: string } | null }): Promise<FolderPage> {
    const bind: unknown[] = [tenantId, parentId ?? '', page.limit + 1];
    const after = page.after ? `AND (name_key > $${bind.push(page.after.nameKey)} OR (name_key = $${bind.length} AND id > $${bind.push(page.after.id)}))` : '';
    const rows = await this.#db.sequelize.query<FolderRow & { name_key: string }>(
      `SELECT ${columns}, name_key FROM kirjuri_folders WHERE tenant_id = $1 AND parent_key = $2 ${after} ORDER BY name_key, id LIMIT $3`,
      { bind, type: QueryTypes.SELECT },
    );
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return { items: items.map(toFolder), next: more && last ? { nameKey: last.name_key, id: last.id } : null };
  }

  /** Folders a person owns in a tenant (their own entry points when nothing above them is shared). */
  async ownedBy(tenantId: string, userId: string): Promise<Folder[]> {
    const rows = await this.#db.sequelize.query<FolderRow>(`SELECT ${columns} FROM kirjuri_folders WHERE tenant_id = $1 AND owner_id = $2 ORDER BY name_key, id LIMIT 1000`, { bind: [tenantId, userId], type: QueryTypes.SELECT });
    return rows.map(toFolder);
  }

  /** The ids of these folders and of every folder under them (what a grant on them reaches), at most `limit`. */
  async subtreeIds(tenantId: string, ids: readonly string[], limit = 10_000): Promise<string[]> {
    const roots = await this.findMany(tenantId, ids);
    if (roots.length === 0) return [];
    const bind: unknown[] = [tenantId];
    const prefixes = roots.map((folder) => {
      const path = pathOf(folder.pathIds);
      return `SUBSTR(path, 1, $${bind.push(path.length)}) = $${bind.push(path)}`;
    });
    const rows = await this.#db.sequelize.query<{ id: string }>(`SELECT id FROM kirjuri_folders WHERE tenant_id = $1 AND (${prefixes.join(' OR ')}) LIMIT $${bind.push(limit)}`, { bind, type: QueryTypes.SELECT });
    return rows.map((row) => row.id);
  }

  /** How many subfolders a folder has. */
  async countChildren(tenantId: string, id: string, transaction: Transaction): Promise<number> {
    const [row] = await this.#db.sequelize.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_folders WHERE tenant_id = $1 AND parent_key = $2', { bind: [tenantId, id], type: QueryTypes.SELECT, transaction });
    return Number(row?.n ?? 0);
  }

  /** Renames a folder. */
  async rename(folder: Folder, name: string, transaction: Transaction): Promise<void> {
    try {
      await this.#db.sequelize.query('UPDATE kirjuri_folders SET name = $1, name_key = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5', {
        bind: [name, name.toLowerCase(), Date.now(), folder.tenantId, folder.id], type: QueryTypes.UPDATE, transaction,
      });
      this.#cache.invalidateAfter(transaction);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw nameTaken(name);
      throw error;
    }
  }

  /**
   * Moves a folder with everything under it below `parent` (null: to the top). Moving a folder into
   * itself or its own subtree is refused (422).
   */
  async move(folder: Folder, parent: Folder | null, transaction: Transaction): Promise<void> {
    if (parent && parent.pathIds.includes(folder.id)) throw new AppError(422, 'invalid_move', 'A folder cannot be moved into itself or a folder inside it.', { details: { fields: { parentId: 'is inside the folder being moved' } } });
    const oldPath = pathOf(folder.pathIds);
    const newPath = pathOf([...(parent?.pathIds ?? []), folder.id]);
    const [deepest] = await this.#db.sequelize.query<{ depth: unknown }>(
      'SELECT MAX(LENGTH(path)) AS depth FROM kirjuri_folders WHERE tenant_id = $1 AND SUBSTR(path, 1, $2) = $3',
      { bind: [folder.tenantId, oldPath.length, oldPath], type: QueryTypes.SELECT, transaction },
    );
    // Ids have one length, so path lengths say depths: (length - 1) / 37 levels.
    const levelsBelow = Math.round((Number(deepest?.depth ?? oldPath.length) - oldPath.length) / 37);
    if (newPath.split('/').filter(Boolean).length + levelsBelow > maxFolderDepth) throw tooDeep();
    try {
      await this.#db.sequelize.query('UPDATE kirjuri_folders SET parent_id = $1, parent_key = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5', {
        bind: [parent?.id ?? null, parent?.id ?? '', Date.now(), folder.tenantId, folder.id], type: QueryTypes.UPDATE, transaction,
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw nameTaken(folder.name);
      throw error;
    }
    await this.#db.sequelize.query(
      'UPDATE kirjuri_folders SET path = $1 || SUBSTR(path, $2) WHERE tenant_id = $3 AND SUBSTR(path, 1, $4) = $5',
      { bind: [newPath, oldPath.length + 1, folder.tenantId, oldPath.length, oldPath], type: QueryTypes.UPDATE, transaction },
    );
    this.#cache.invalidateAfter(transaction);
  }

  /** Deletes an empty folder (the caller has checked that it is empty). */
  async delete(folder: Folder, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('DELETE FROM kirjuri_folders WHERE tenant_id = $1 AND id = $2', { bind: [folder.tenantId, folder.id], type: QueryTypes.DELETE, transaction });
    this.#cache.invalidateAfter(transaction);
  }
}
