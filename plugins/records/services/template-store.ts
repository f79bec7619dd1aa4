import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError, newId, timeValue, type Database } from '../../../core/plugin-api.ts';
import type { TemplateDefinition, TemplateKind } from './template-definition.ts';

/** A template of a tenant: its name and kind, which version is current, and whether the designer holds unpublished changes. */
export interface Template {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  kind: TemplateKind;
  currentVersion: number;
  /** The designer's working copy, or null when it equals the current version. */
  draft: TemplateDefinition | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One published version of a template: never changed once written, so records render with the version they were made with. */
export interface TemplateVersion {
  templateId: string;
  tenantId: string;
  version: number;
  definition: TemplateDefinition;
  createdBy: string | null;
  createdAt: number;
}

interface TemplateRow { id: string; tenant_id: string; name: string; description: string | null; kind: string; current_version: unknown; draft: string | null; created_by: string | null; created_at: unknown; updated_at: unknown }
interface VersionRow { template_id: string; tenant_id: string; version: unknown; definition: string; created_by: string | null; created_at: unknown }

const templateColumns = 'id, tenant_id, name, description, kind, current_version, draft, created_by, created_at, updated_at';
const toTemplate = (row: TemplateRow): Template => ({
  id: row.id, tenantId: row.tenant_id, name: row.name, description: row.description, kind: row.kind as TemplateKind, currentVersion: Number(row.current_version),
  draft: row.draft === null ? null : (JSON.parse(row.draft) as TemplateDefinition), createdBy: row.created_by, createdAt: timeValue(row.created_at)!, updatedAt: timeValue(row.updated_at)!,
});
const toVersion = (row: VersionRow): TemplateVersion => Object.freeze({
  templateId: row.template_id, tenantId: row.tenant_id, version: Number(row.version), definition: Object.freeze(JSON.parse(row.definition) as TemplateDefinition),
  createdBy: row.created_by, createdAt: timeValue(row.created_at)!,
});
const nameTaken = (name: string): AppError => new AppError(409, 'name_taken', `A template named "${name}" already exists here; choose another name.`, { details: { fields: { name: 'is already used by another template' } } });

// Versions never change, so every process may keep them; the bound only caps memory.
const maxCachedVersions = 2000;

/** Templates and their versions in the database (records_templates, records_template_versions). */
export class TemplateStore {
  readonly #db: Database;
  readonly #versions = new Map<string, TemplateVersion>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** Makes a template with its first published version. */
  async create(input: { tenantId: string; definition: TemplateDefinition; createdBy: string }, transaction: Transaction): Promise<Template> {
    const id = newId();
    const now = Date.now();
    const { definition } = input;
    try {
      await this.#db.sequelize.query(
        `INSERT INTO records_templates (${templateColumns}, name_key) VALUES ($1, $2, $3, $4, $5, 1, NULL, $6, $7, $7, $8)`,
        { bind: [id, input.tenantId, definition.name, definition.description ?? null, definition.kind, input.createdBy, now, definition.name.toLowerCase()], type: QueryTypes.INSERT, transaction },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw nameTaken(definition.name);
      throw error;
    }
    await this.#insertVersion(input.tenantId, id, 1, definition, input.createdBy, now, transaction);
    return { id, tenantId: input.tenantId, name: definition.name, description: definition.description ?? null, kind: definition.kind, currentVersion: 1, draft: null, createdBy: input.createdBy, createdAt: now, updatedAt: now };
  }

  /** Publishes `definition` as the template's next version and clears the designer's draft. */
  async publish(template: Template, definition: TemplateDefinition, createdBy: string, transaction: Transaction): Promise<Template> {
    const now = Date.now();
    const version = template.currentVersion + 1;
    try {
      await this.#db.sequelize.query(
        'UPDATE records_templates SET name = $1, name_key = $2, description = $3, current_version = $4, draft = NULL, updated_at = $5 WHERE tenant_id = $6 AND id = $7',
        { bind: [definition.name, definition.name.toLowerCase(), definition.description ?? null, version, now, template.tenantId, template.id], type: QueryTypes.UPDATE, transaction },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw nameTaken(definition.name);
      throw error;
    }
    await this.#insertVersion(template.tenantId, template.id, version, definition, createdBy, now, transaction);
    return { ...template, name: definition.name, description: definition.description ?? null, currentVersion: version, draft: null, updatedAt: now };
  }

  /** Keeps (or, with null, drops) the designer's unpublished working copy. */
  async saveDraft(template: Template, draft: TemplateDefinition | null, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('UPDATE records_templates SET draft = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4', {
      bind: [draft === null ? null : JSON.stringify(draft), Date.now(), template.tenantId, template.id], type: QueryTypes.UPDATE, transaction,
    });
  }

  /** The template with this id in this tenant, or null. */
  async find(tenantId: string, id: string, transaction?: Transaction): Promise<Template | null> {
    const sql = `SELECT ${templateColumns} FROM records_templates WHERE tenant_id = $1 AND id = $2`;
    const [row] = transaction
      ? await this.#db.sequelize.query<TemplateRow>(sql, { bind: [tenantId, id], type: QueryTypes.SELECT, transaction })
      : await this.#db.selectRows<TemplateRow>(sql, [tenantId, id]);
    return row ? toTemplate(row) : null;
  }

  /** Every template of a tenant, by name. */
  async list(tenantId: string): Promise<Template[]> {
    const rows = await this.#db.sequelize.query<TemplateRow>(`SELECT ${templateColumns} FROM records_templates WHERE tenant_id = $1 ORDER BY name_key, id LIMIT 1000`, { bind: [tenantId], type: QueryTypes.SELECT });
    return rows.map(toTemplate);
  }

  /** One published version (kept in memory once read: versions never change), or null. */
  async version(tenantId: string, templateId: string, version: number): Promise<TemplateVersion | null> {
    const key = `${tenantId}:${templateId}:${version}`;
    const cached = this.#versions.get(key);
    if (cached) return cached;
    const [row] = await this.#db.selectRows<VersionRow>(
      'SELECT template_id, tenant_id, version, definition, created_by, created_at FROM records_template_versions WHERE tenant_id = $1 AND template_id = $2 AND version = $3',
      [tenantId, templateId, version],
    );
    if (!row) return null;
    const found = toVersion(row);
    if (this.#versions.size >= maxCachedVersions) this.#versions.delete(this.#versions.keys().next().value!);
    this.#versions.set(key, found);
    return found;
  }

  /** Every version of a template, newest first, without their definitions. */
  async versions(tenantId: string, templateId: string): Promise<Array<{ version: number; createdBy: string | null; createdAt: number }>> {
    const rows = await this.#db.sequelize.query<VersionRow>(
      'SELECT template_id, tenant_id, version, created_by, created_at FROM records_template_versions WHERE tenant_id = $1 AND template_id = $2 ORDER BY version DESC',
      { bind: [tenantId, templateId], type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ version: Number(row.version), createdBy: row.created_by, createdAt: timeValue(row.created_at)! }));
  }

  async #insertVersion(tenantId: string, templateId: string, version: number, definition: TemplateDefinition, createdBy: string, now: number, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query(
      'INSERT INTO records_template_versions (id, tenant_id, template_id, version, definition, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      { bind: [newId(), tenantId, templateId, version, JSON.stringify(definition), createdBy, now], type: QueryTypes.INSERT, transaction },
    );
  }
}
