import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError, newId, timeValue, type Database } from '../../../core/plugin-api.ts';
import type { StructureDefinition } from './structure-definition.ts';

/** A stored folder structure template. */
export interface Structure {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  definition: StructureDefinition;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

interface StructureRow { id: string; tenant_id: string; name: string; description: string | null; definition: string; created_by: string | null; created_at: unknown; updated_at: unknown }

const columns = 'id, tenant_id, name, description, definition, created_by, created_at, updated_at';
const toStructure = (row: StructureRow): Structure => ({
  id: row.id, tenantId: row.tenant_id, name: row.name, description: row.description, definition: JSON.parse(row.definition) as StructureDefinition,
  createdBy: row.created_by, createdAt: timeValue(row.created_at)!, updatedAt: timeValue(row.updated_at)!,
});
const nameTaken = (name: string): AppError => new AppError(409, 'name_taken', `A folder structure named "${name}" already exists here; choose another name.`, { details: { fields: { name: 'is already used' } } });

/** Folder structure templates in the database (records_structures). */
export class StructureStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Stores a new structure. */
  async create(tenantId: string, definition: StructureDefinition, createdBy: string, transaction: Transaction): Promise<Structure> {
    const id = newId();
    const now = Date.now();
    await this.#write(() => this.#db.sequelize.query(`INSERT INTO records_structures (${columns}, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`, {
      bind: [id, tenantId, definition.name, definition.description ?? null, JSON.stringify(definition), createdBy, now, definition.name.toLowerCase()], type: QueryTypes.INSERT, transaction,
    }), definition.name);
    return { id, tenantId, name: definition.name, description: definition.description ?? null, definition, createdBy, createdAt: now, updatedAt: now };
  }

  /** Replaces a structure's definition. */
  async update(structure: Structure, definition: StructureDefinition, transaction: Transaction): Promise<Structure> {
    const now = Date.now();
    await this.#write(() => this.#db.sequelize.query('UPDATE records_structures SET name = $1, name_key = $2, description = $3, definition = $4, updated_at = $5 WHERE tenant_id = $6 AND id = $7', {
      bind: [definition.name, definition.name.toLowerCase(), definition.description ?? null, JSON.stringify(definition), now, structure.tenantId, structure.id], type: QueryTypes.UPDATE, transaction,
    }), definition.name);
    return { ...structure, name: definition.name, description: definition.description ?? null, definition, updatedAt: now };
  }

  /** Deletes a structure (folders and records made from it stay). */
  async delete(structure: Structure, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('DELETE FROM records_structures WHERE tenant_id = $1 AND id = $2', { bind: [structure.tenantId, structure.id], type: QueryTypes.DELETE, transaction });
  }

  /** A structure of the tenant, or null. */
  async find(tenantId: string, id: string): Promise<Structure | null> {
    const [row] = await this.#db.sequelize.query<StructureRow>(`SELECT ${columns} FROM records_structures WHERE tenant_id = $1 AND id = $2`, { bind: [tenantId, id], type: QueryTypes.SELECT });
    return row ? toStructure(row) : null;
  }

  /** Every structure of the tenant, by name. */
  async list(tenantId: string): Promise<Structure[]> {
    const rows = await this.#db.sequelize.query<StructureRow>(`SELECT ${columns} FROM records_structures WHERE tenant_id = $1 ORDER BY name_key, id LIMIT 1000`, { bind: [tenantId], type: QueryTypes.SELECT });
    return rows.map(toStructure);
  }

  async #write(write: () => Promise<unknown>, name: string): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw nameTaken(name);
      throw error;
    }
  }
}
