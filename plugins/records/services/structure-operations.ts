import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { AppError, auditEventOf, authenticationOf, tenantAccessOf, type Folder } from '../../../core/plugin-api.ts';
import type { RecordWriter } from './record-writer.ts';
import type { RecordsDeps } from './records-deps.ts';
import { structureTemplateIds, type StructureDefinition, type StructureFolder } from './structure-definition.ts';
import type { Structure } from './structure-store.ts';
import type { TemplateVersion } from './template-store.ts';

const noSuchStructure = (): AppError => new AppError(404, 'not_found', 'No such folder structure here.');

/** What applying a structure made. */
export interface AppliedStructure {
  folder: Folder;
  folders: number;
  records: number;
}

/**
 * Folder structure templates: kept by managers and admins, and applied by anyone who may make a folder
 * at the chosen place. Applying one builds its whole tree and the empty draft records it lists in one
 * transaction: all of it is made, or none.
 */
export class StructureOperations {
  readonly #deps: RecordsDeps;
  readonly #writer: RecordWriter;

  constructor(deps: RecordsDeps, writer: RecordWriter) {
    this.#deps = deps;
    this.#writer = writer;
  }

  /** Stores a new structure (its templates must exist). */
  async create(ctx: Context, definition: StructureDefinition): Promise<Structure> {
    const { tenant } = tenantAccessOf(ctx);
    await this.#templatesOf(tenant.id, definition);
    return this.#deps.db.transaction(async (transaction) => {
      const structure = await this.#deps.structures.create(tenant.id, definition, authenticationOf(ctx).user.id, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'structure.create', objectType: 'structure', objectId: structure.id, details: { name: structure.name } }), transaction);
      return structure;
    });
  }

  /** Replaces a structure's definition. */
  async update(ctx: Context, id: string, definition: StructureDefinition): Promise<Structure> {
    const structure = await this.find(ctx, id);
    await this.#templatesOf(structure.tenantId, definition);
    return this.#deps.db.transaction(async (transaction) => {
      const updated = await this.#deps.structures.update(structure, definition, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'structure.update', objectType: 'structure', objectId: id, details: { name: updated.name } }), transaction);
      return updated;
    });
  }

  /** Deletes a structure; what was made from it stays. */
  async remove(ctx: Context, id: string): Promise<void> {
    const structure = await this.find(ctx, id);
    await this.#deps.db.transaction(async (transaction) => {
      await this.#deps.structures.delete(structure, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'structure.delete', objectType: 'structure', objectId: id, details: { name: structure.name } }), transaction);
    });
  }

  /** A structure of the tenant, or 404. */
  async find(ctx: Context, id: string): Promise<Structure> {
    const structure = await this.#deps.structures.find(tenantAccessOf(ctx).tenant.id, id);
    if (!structure) throw noSuchStructure();
    return structure;
  }

  /**
   * Builds a project from a structure: a folder named `name` under `parentId` (null: at the top, for
   * managers and admins), the structure's folders inside it and an empty draft of each listed record.
   */
  async apply(ctx: Context, id: string, input: { name: string; parentId: string | null }): Promise<AppliedStructure> {
    const structure = await this.find(ctx, id);
    const versions = await this.#templatesOf(structure.tenantId, structure.definition);
    let folders = 0;
    let records = 0;
    const build = async (list: readonly StructureFolder[], parentId: string, transaction: Transaction): Promise<void> => {
      for (const spec of list) {
        const folder = await this.#deps.folders.create(ctx, { name: spec.name, parentId }, transaction);
        folders += 1;
        for (const record of spec.records) {
          await this.#writer.createIn(ctx, { templateId: record.templateId, folderId: folder.id, title: record.title, data: {}, draft: true }, versions.get(record.templateId)!, transaction);
          records += 1;
        }
        await build(spec.folders, folder.id, transaction);
      }
    };
    const root = await this.#deps.db.transaction(async (transaction) => {
      const made = await this.#deps.folders.create(ctx, { name: input.name, parentId: input.parentId }, transaction);
      await build(structure.definition.folders, made.id, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'structure.apply', objectType: 'folder', objectId: made.id, details: { structureId: id, structure: structure.name, folders: folders + 1, records } }), transaction);
      return made;
    });
    return { folder: root, folders: folders + 1, records };
  }

  /** The current version of every template a structure names; one that no longer exists is a 422 naming it. */
  async #templatesOf(tenantId: string, definition: StructureDefinition): Promise<Map<string, TemplateVersion>> {
    const versions = new Map<string, TemplateVersion>();
    for (const templateId of structureTemplateIds(definition.folders)) {
      try {
        versions.set(templateId, await this.#writer.currentVersion(tenantId, templateId));
      } catch {
        throw new AppError(422, 'unknown_template', `The structure lists template ${templateId}, which is not a template here: choose another.`, { details: { fields: { folders: `names the unknown template ${templateId}` } } });
      }
    }
    return versions;
  }
}
