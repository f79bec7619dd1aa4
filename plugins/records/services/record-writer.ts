import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { AppError, auditEventOf, authenticationOf, newId, tenantAccessOf } from '../../../core/plugin-api.ts';
import { measurementScore } from './measurement-score.ts';
import { initialData, validateRecordData } from './record-data.ts';
import { diffRecordData } from './record-diff.ts';
import { requireRecordAccess, requireRecordPlace } from './record-access.ts';
import { dataRefusal, resolveSignatures, searchTextOf } from './record-input.ts';
import type { RecordStatus, RevisionChange, StoredRecord } from './record-store.ts';
import type { RecordsDeps } from './records-deps.ts';
import type { RecordEvent } from './records-hooks.ts';
import type { TemplateDefinition } from './template-definition.ts';
import type { TemplateVersion } from './template-store.ts';
import { StagedDrawings } from './staged-drawings.ts';
import { checkUploadReferences } from './upload-references.ts';

/**
 * Files that come with a save (the record form's chosen photos and files, already in the blob store):
 * filed under the record inside its transaction, before the data's references to them are checked.
 */
export interface FilesOfSave {
  fileIn(recordId: string, transaction: Transaction): Promise<void>;
}

/** What makes a record: a template, a place, a title and data; `draft` lets required fields wait until it is completed. */
export interface CreateRecordInput {
  templateId: string;
  folderId: string | null;
  title: string;
  data: unknown;
  draft: boolean;
  files?: FilesOfSave;
}

/** A change to a record: any of title, data, status (complete or reopen) and folder; `revision` is the one the change was made on. */
export interface UpdateRecordInput {
  title?: string;
  data?: unknown;
  status?: RecordStatus;
  folderId?: string | null;
  draft?: boolean;
  revision?: number;
  files?: FilesOfSave;
}

const unknownTemplate = (): AppError => new AppError(422, 'unknown_template', 'No such template in this organisation: choose one from the list of templates.', { details: { fields: { templateId: 'is not a template here' } } });

/** The score a measurement record carries, or null for other kinds. */
function scoreOf(definition: TemplateDefinition, data: Record<string, unknown>): number | null {
  return definition.kind === 'measurement' ? measurementScore(definition.fields, data).percent : null;
}

/**
 * Makes, changes and deletes records: each asks access control first, validates against the record's
 * own template version, and writes the record, its revision and its audit entry in one transaction;
 * a refusal leaves the previous revision as it was. Hooks run after the commit.
 */
export class RecordWriter {
  readonly #deps: RecordsDeps;

  constructor(deps: RecordsDeps) {
    this.#deps = deps;
  }

  /** The current version of a template of the tenant, or a 422 naming templateId. */
  async currentVersion(tenantId: string, templateId: string): Promise<TemplateVersion> {
    const template = await this.#deps.templates.find(tenantId, templateId);
    const version = template && await this.#deps.templates.version(tenantId, template.id, template.currentVersion);
    if (!version) throw unknownTemplate();
    return version;
  }

  /** Makes a record (edit access to the folder, or a member at the top). */
  async create(ctx: Context, input: CreateRecordInput): Promise<StoredRecord> {
    await requireRecordPlace(ctx, input.folderId);
    const version = await this.currentVersion(tenantAccessOf(ctx).tenant.id, input.templateId);
    const staged = await this.#deps.signatures.stage(tenantAccessOf(ctx).tenant.id, input.data);
    const record = await staged.around(() => this.#deps.db.transaction((transaction) => this.createIn(ctx, input, version, transaction, staged)));
    await this.#emit(ctx, 'record.created', this.#eventOf(ctx, record));
    return record;
  }

  /**
   * Makes a record inside the caller's transaction, in a folder whose access the caller has already
   * settled (checked it, or made it in this transaction). Returns the record; hooks are the caller's.
   */
  async createIn(ctx: Context, input: CreateRecordInput, version: TemplateVersion, transaction: Transaction, staged = StagedDrawings.none): Promise<StoredRecord> {
    const { tenant } = tenantAccessOf(ctx);
    const { user } = authenticationOf(ctx);
    const { fields } = version.definition;
    const given = input.data === undefined ? {} : input.data;
    const merged = given && typeof given === 'object' && !Array.isArray(given) ? { ...initialData(fields), ...(given as Record<string, unknown>) } : given;
    const checked = validateRecordData(fields, merged, { requireComplete: !input.draft });
    if (!checked.ok) throw dataRefusal(checked.errors);
    // A new record has no files yet (uploads go to a record that exists), but for those that come with it: they are checked once filed.
    if (!input.files) await checkUploadReferences({ fields, data: checked.data, files: this.#deps.files, tenantId: tenant.id, recordId: null, transaction });
    const now = Date.now();
    const id = newId();
    const { data, signed, write } = resolveSignatures({ fields, data: checked.data, previous: {}, store: this.#deps.signatures, tenantId: tenant.id, recordId: id, revision: 1, signer: { id: user.id, name: user.name }, staged });
    const record: StoredRecord = {
      id, tenantId: tenant.id, folderId: input.folderId, templateId: version.templateId, templateVersion: version.version, title: input.title, status: 'draft',
      data, score: scoreOf(version.definition, data), revision: 1, ownerId: user.id, createdAt: now, updatedAt: now, completedAt: null, completedBy: null,
    };
    // The signatures refer to the record: it is written first, they after it.
    await this.#deps.records.insert(record, searchTextOf(fields, record.title, data), transaction);
    await write(transaction);
    if (input.files) {
      await input.files.fileIn(id, transaction);
      await checkUploadReferences({ fields, data: checked.data, files: this.#deps.files, tenantId: tenant.id, recordId: id, transaction });
    }
    await ctx.audit.record(auditEventOf(ctx, { action: 'record.create', objectType: 'record', objectId: id, details: { title: record.title, templateId: record.templateId, templateVersion: record.templateVersion, folderId: record.folderId, signed } }), transaction);
    return record;
  }

  /** Changes a record: edit access for a draft, manage access for a completed one, a move or reopening. Nothing changed makes no revision. */
  async update(ctx: Context, id: string, change: UpdateRecordInput): Promise<StoredRecord> {
    const { tenant } = tenantAccessOf(ctx);
    const { user } = authenticationOf(ctx);
    const current = await this.#deps.records.find(tenant.id, id);
    const needsManage = current?.status === 'completed' || change.status === 'draft' || (change.folderId !== undefined && change.folderId !== current?.folderId);
    await requireRecordAccess(ctx, this.#deps.folders, needsManage ? 'manage' : 'edit', id, current);
    if (change.folderId !== undefined && change.folderId !== current!.folderId) await requireRecordPlace(ctx, change.folderId);
    const version = (await this.#deps.templates.version(tenant.id, current!.templateId, current!.templateVersion))!;
    const { fields } = version.definition;
    const staged = await this.#deps.signatures.stage(tenant.id, change.data);
    const outcome = await staged.around(() => this.#deps.db.transaction(async (transaction) => {
      const before = await this.#deps.records.find(tenant.id, id, transaction);
      if (!before) throw new AppError(404, 'not_found', 'No such record here, or it is not shared with you.');
      if (change.revision !== undefined && change.revision !== before.revision) {
        throw new AppError(409, 'revision_conflict', `Someone saved this record (revision ${before.revision}) after you opened revision ${change.revision}: reload it and make your change again; what you typed is kept on this device.`, { details: { revision: before.revision } });
      }
      const status = change.status ?? before.status;
      const completing = status === 'completed' && before.status !== 'completed';
      const checked = validateRecordData(fields, change.data === undefined ? before.data : change.data, { requireComplete: status === 'completed' || change.draft === false });
      if (!checked.ok) throw dataRefusal(checked.errors, completing ? 'The record cannot be completed: it' : 'The record');
      await change.files?.fileIn(id, transaction);
      await checkUploadReferences({ fields, data: checked.data, files: this.#deps.files, tenantId: tenant.id, recordId: id, transaction });
      const revision = before.revision + 1;
      const { data, signed, write } = resolveSignatures({ fields, data: checked.data, previous: before.data, store: this.#deps.signatures, tenantId: tenant.id, recordId: id, revision, signer: { id: user.id, name: user.name }, staged });
      const changed = diffRecordData(fields, before.data, data).map((c) => `data.${c.path}`);
      const title = change.title ?? before.title;
      const folderId = change.folderId === undefined ? before.folderId : change.folderId;
      if (title !== before.title) changed.unshift('title');
      if (status !== before.status) changed.unshift('status');
      if (folderId !== before.folderId) changed.unshift('folderId');
      if (changed.length === 0) return { record: before, changed, completing: false };
      const now = Date.now();
      const record: StoredRecord = {
        ...before, title, status, data, folderId, score: scoreOf(version.definition, data), revision, updatedAt: now,
        completedAt: status === 'completed' ? (completing ? now : before.completedAt) : null, completedBy: status === 'completed' ? (completing ? user.id : before.completedBy) : null,
      };
      const kind: RevisionChange = completing ? 'completed' : folderId !== before.folderId && changed.length === 1 ? 'moved' : 'saved';
      await this.#deps.records.save(record, searchTextOf(fields, title, data), kind, user.id, transaction);
      await write(transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'record.update', objectType: 'record', objectId: id, details: { changed, revision, status, signed } }), transaction);
      return { record, changed, completing };
    }));
    if (outcome.changed.length > 0) await this.#emit(ctx, 'record.updated', { ...this.#eventOf(ctx, outcome.record), changed: outcome.changed });
    if (outcome.completing) await this.#emit(ctx, 'record.completed', this.#eventOf(ctx, outcome.record));
    return outcome.record;
  }

  /** Deletes a record (manage access) with its revisions, entries, signatures, shares and files (their stored bytes once the deletion commits). */
  async remove(ctx: Context, id: string): Promise<void> {
    const { tenant } = tenantAccessOf(ctx);
    const current = await this.#deps.records.find(tenant.id, id);
    await requireRecordAccess(ctx, this.#deps.folders, 'delete', id, current);
    await this.#deps.db.transaction(async (transaction) => {
      await this.#deps.shares.revokeAllOn(tenant.id, [{ type: 'record', id }], transaction);
      // The file rows would go with the record anyway; their blob rows and ciphertext would not.
      for (const file of await this.#deps.files.ofRecord(tenant.id, id, transaction)) await this.#deps.encryptedFiles.remove(tenant.id, file.blobId, transaction);
      for (const blobId of await this.#deps.signatures.blobsOfRecord(tenant.id, id, transaction)) await this.#deps.encryptedFiles.remove(tenant.id, blobId, transaction);
      await this.#deps.records.delete(tenant.id, id, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'record.delete', objectType: 'record', objectId: id, details: { title: current!.title, folderId: current!.folderId, revision: current!.revision } }), transaction);
    });
    const { revision: _revision, ...event } = this.#eventOf(ctx, current!);
    await this.#emit(ctx, 'record.deleted', event);
  }

  #eventOf(ctx: Context, record: StoredRecord): RecordEvent {
    return { tenantId: record.tenantId, recordId: record.id, templateId: record.templateId, folderId: record.folderId, revision: record.revision, actorId: authenticationOf(ctx).user.id };
  }

  /** Runs a hook after the commit: a failing listener is logged, the change it reports stands. */
  async #emit<K extends 'record.created' | 'record.updated' | 'record.completed' | 'record.deleted'>(ctx: Context, hook: K, payload: Parameters<RecordsDeps['hooks']['emit']>[1] & object): Promise<void> {
    try {
      await this.#deps.hooks.emit(hook, payload as never);
    } catch (error) {
      (ctx.state as { log?: { error(o: object, m: string): void } }).log?.error({ err: error, hook }, 'A record hook failed after the change was saved');
    }
  }
}
