import type { Context } from 'koa';
import { AppError, auditEventOf, grantKey, tenantAccessOf, type AccessLevel } from '../../../core/plugin-api.ts';
import { diffRecordData, type FieldChange } from './record-diff.ts';
import { accessibleRecord, requireRecordAccess } from './record-access.ts';
import { listRecords, type RecordListFilter, type RecordListPosition, type RecordSummary, type RecordVisibility } from './record-list-query.ts';
import type { RecordRevision, StoredRecord } from './record-store.ts';
import type { RecordsDeps } from './records-deps.ts';
import type { Signature } from './signature-store.ts';
import type { TemplateVersion } from './template-store.ts';

/** A record as its reader gets it: with the caller's access and the template version it was made with. */
export interface RecordView {
  record: StoredRecord;
  access: AccessLevel;
  template: TemplateVersion;
}

/** The difference between two revisions: which fields changed, and the title and status before and after. */
export interface RevisionDiff {
  from: RecordRevision;
  to: RecordRevision;
  changes: FieldChange[];
}

const noSuchRevision = (n: number): AppError => new AppError(404, 'not_found', `This record has no revision ${n}.`);

/** Reads records as the caller may see them: one record (audited as record.view), lists, revisions and their differences. */
export class RecordReader {
  readonly #deps: RecordsDeps;

  constructor(deps: RecordsDeps) {
    this.#deps = deps;
  }

  /** A record the caller may see (404 otherwise), with its template version; the view is audited. */
  async view(ctx: Context, id: string, options: { audit?: boolean } = {}): Promise<RecordView> {
    const { tenant } = tenantAccessOf(ctx);
    const record = await this.#deps.records.find(tenant.id, id);
    const { level } = await requireRecordAccess(ctx, this.#deps.folders, 'view', id, record);
    const template = await this.#deps.templates.version(tenant.id, record!.templateId, record!.templateVersion);
    if (!template) throw new Error(`Record ${id} names template version ${record!.templateId}@${record!.templateVersion}, which does not exist.`);
    if (options.audit !== false) ctx.audit.recordSoon(auditEventOf(ctx, { action: 'record.view', objectType: 'record', objectId: id }));
    return { record: record!, access: level, template };
  }

  /**
   * A record the caller has just written, as view() gives it, without reading it again or auditing a
   * view (the write was audited): the caller's level on it and its template version.
   */
  async present(ctx: Context, record: StoredRecord): Promise<RecordView> {
    const { tenant } = tenantAccessOf(ctx);
    const [access, template] = await Promise.all([
      accessibleRecord(this.#deps.folders, record).then((object) => ctx.access.levelOn(tenant.id, ctx.access.participantOfRequest(ctx), object)),
      this.#deps.templates.version(tenant.id, record.templateId, record.templateVersion),
    ]);
    // The writer let them write it: at least edit; a move may have taken it where they only see it.
    return { record, access: access ?? 'edit', template: template! };
  }

  /**
   * The records the caller may see, newest change first unless sorted otherwise, a page at a time.
   * Listing a folder needs view access to it; admins and managers see every record, others those they
   * made, those under folders shared with them and those shared with them one by one.
   */
  async list(ctx: Context, filter: RecordListFilter, page: { limit: number; after: RecordListPosition | null }): Promise<{ items: RecordSummary[]; next: RecordListPosition | null }> {
    const { tenant } = tenantAccessOf(ctx);
    const participant = ctx.access.participantOfRequest(ctx);
    let visibility: RecordVisibility = { all: true };
    if (filter.folderId) await ctx.access.requireAccess(ctx, 'view', { type: 'folder', id: filter.folderId });
    if (participant.role !== 'admin' && participant.role !== 'manager') {
      const grants = await ctx.access.grantsFor(tenant.id, participant);
      const grantedFolders = [...grants.keys()].filter((key) => key.startsWith('folder:')).map((key) => key.slice('folder:'.length));
      const folderReach = filter.folderId && grantedFolders.length > 0 ? await this.#folderGrantCovers(tenant.id, filter.folderId, grants) : false;
      if (!folderReach) {
        visibility = {
          all: false,
          ownerId: participant.role === 'member' ? participant.userId : null,
          folderIds: filter.folderId ? [] : await this.#deps.folders.subtreeIds(tenant.id, grantedFolders),
          recordIds: [...grants.keys()].filter((key) => key.startsWith('record:')).map((key) => key.slice('record:'.length)),
        };
      }
    }
    return listRecords(this.#deps.db, tenant.id, filter, visibility, page);
  }

  /** Every revision of a record the caller may see, newest first. */
  async revisions(ctx: Context, id: string): Promise<Array<Omit<RecordRevision, 'data'>>> {
    await this.view(ctx, id, { audit: false });
    return this.#deps.records.revisions(tenantAccessOf(ctx).tenant.id, id);
  }

  /** One revision with its data. */
  async revision(ctx: Context, id: string, n: number): Promise<{ view: RecordView; revision: RecordRevision }> {
    const view = await this.view(ctx, id);
    const revision = await this.#deps.records.revision(tenantAccessOf(ctx).tenant.id, id, n);
    if (!revision) throw noSuchRevision(n);
    return { view, revision };
  }

  /** What changed from one revision to another, field by field in template order. */
  async diff(ctx: Context, id: string, fromN: number, toN: number): Promise<{ view: RecordView; diff: RevisionDiff }> {
    const view = await this.view(ctx, id);
    const tenantId = tenantAccessOf(ctx).tenant.id;
    const [from, to] = await Promise.all([this.#deps.records.revision(tenantId, id, fromN), this.#deps.records.revision(tenantId, id, toN)]);
    if (!from) throw noSuchRevision(fromN);
    if (!to) throw noSuchRevision(toN);
    return { view, diff: { from, to, changes: diffRecordData(view.template.definition.fields, from.data, to.data) } };
  }

  /** A signature of a record the caller may see, with its PNG. */
  async signature(ctx: Context, recordId: string, signatureId: string): Promise<{ signature: Signature; png: Buffer }> {
    await this.view(ctx, recordId, { audit: false });
    const signature = await this.#deps.signatures.find(tenantAccessOf(ctx).tenant.id, recordId, signatureId);
    if (!signature) throw new AppError(404, 'not_found', 'This record has no such signature.');
    const png = await this.#deps.signatures.png(signature);
    if (!png) throw new AppError(500, 'signature_missing', `The stored image of signature ${signatureId} is missing.`, { expose: false });
    return { signature, png };
  }

  /** Whether a grant of the caller's covers the folder itself (so every record in it is visible). */
  async #folderGrantCovers(tenantId: string, folderId: string, grants: ReadonlyMap<string, unknown>): Promise<boolean> {
    const chain = await this.#deps.folders.chainOf(tenantId, folderId);
    return (chain ?? []).some((ref) => grants.has(grantKey(ref.type, ref.id)));
  }
}
