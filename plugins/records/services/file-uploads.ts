import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { AppError, auditEventOf, authenticationOf, fileTooLarge, newId, tenantAccessOf, type EncryptedFiles, type ImageFacts, type ImageVariantKind, type ImageVariantLookup, type OpenedBlob, type PreparedBlob } from '../../../core/plugin-api.ts';
import { displayFileName } from './file-name.ts';
import type { RecordFile, RecordFileStore } from './file-store.ts';
import { requireRecordAccess } from './record-access.ts';
import type { RecordsDeps } from './records-deps.ts';
import { readMultipartUpload, type UploadPart } from './multipart-upload.ts';
import { sniffType, typeAccepted } from './sniffed-type.ts';
import type { TemplateField } from './template-definition.ts';

/** The upload limits (config files.maxFileBytes and files.maxTenantBytes). */
export interface UploadLimits {
  maxFileBytes: number;
  maxTenantBytes: number;
}

const fieldPathPattern = /^([a-z][a-z0-9_]{0,39})(?:\.(\d{1,4})\.([a-z][a-z0-9_]{0,39}))?$/;

const notAFileField = (path: string, why: string): AppError => new AppError(422, 'not_a_file_field', `"${path.slice(0, 100)}" ${why}: name a photo or file field of the record's template (key, or group.N.key).`, { details: { fields: { field: why } } });

/** The photo or file field `path` names in the template (`key`, or `group.N.key` in row N of a group), or a 422. */
export function uploadFieldOf(fields: readonly TemplateField[], path: string): TemplateField {
  const match = fieldPathPattern.exec(path);
  if (!match) throw notAFileField(path, 'is not a field key');
  const [, first, , inner] = match;
  const top = fields.find((field) => field.key === first);
  const field = inner === undefined ? top : top?.type === 'group' ? top.fields?.find((f) => f.key === inner) : undefined;
  if (!field) throw notAFileField(path, 'is not a field of this template');
  if (field.type !== 'photo' && field.type !== 'file') throw notAFileField(path, `is a ${field.type} field, not a photo or file field`);
  return field;
}

/** Throws a 415 naming what the file is, unless a file of this type may go into `field` (photos: images; files: the template's accept list). */
function checkType(field: TemplateField, head: Buffer): string {
  const sniffed = sniffType(head);
  const refuse = (found: string, allowed: string): never => {
    throw new AppError(415, 'unsupported_file_type', `The file is ${found}, but this field takes ${allowed}.`, { details: { found, field: field.key } });
  };
  if (!('type' in sniffed)) return refuse(sniffed.found, field.type === 'photo' ? 'images' : field.accept ? field.accept.join(', ') : 'images, PDF, Office documents and plain text');
  const { mime, label } = sniffed.type;
  if (field.type === 'photo' && !mime.startsWith('image/')) refuse(label, 'images (JPEG, PNG, WebP, HEIC, GIF)');
  if (field.type === 'file' && field.accept && !typeAccepted(mime, field.accept)) refuse(label, field.accept.join(', '));
  return mime;
}

/** The 413 of a file that does not fit in the tenant's room. */
const noRoomFor = (room: number): AppError => new AppError(413, 'tenant_storage_full', `The file does not fit in the room left for this organisation's files (${room} bytes): delete files or ask the administrator for more room.`);

/** A file stored in the blob store while it arrived, not yet filed under a record (FileUploads.receive). */
export interface ReceivedFile {
  /** The file's id, made on arrival: a form puts it into its field's value before the record is saved. */
  id: string;
  fieldPath: string;
  name: string;
  mime: string;
  facts: ImageFacts | null;
  prepared: PreparedBlob;
}

/** A file row's capture time and place from an image's facts (null when there are none). */
function captureFacts(facts: ImageFacts | null): Pick<RecordFile, 'takenAt' | 'latitude' | 'longitude'> {
  return { takenAt: facts?.takenAt ?? null, latitude: facts?.location?.lat ?? null, longitude: facts?.location?.lon ?? null };
}

/**
 * Uploads and downloads of record files. An upload streams the file through core.files into the blob
 * store while it arrives; the blob row, the file row and the audit entry then commit in one transaction,
 * and anything refused or cut off on the way leaves neither a row nor stored bytes.
 */
export class FileUploads {
  readonly #deps: RecordsDeps;
  readonly #files: RecordFileStore;
  readonly #encrypted: EncryptedFiles;
  readonly #limits: UploadLimits;

  constructor(deps: RecordsDeps, limits: UploadLimits) {
    this.#deps = deps;
    this.#files = deps.files;
    this.#encrypted = deps.encryptedFiles;
    this.#limits = limits;
  }

  /** Reads a multipart upload (`field`, then `file`) for a record: edit access, manage when the record is completed. */
  async upload(ctx: Context, recordId: string): Promise<RecordFile> {
    const { tenant } = tenantAccessOf(ctx);
    const record = await this.#deps.records.find(tenant.id, recordId);
    await requireRecordAccess(ctx, this.#deps.folders, record?.status === 'completed' ? 'manage' : 'edit', recordId, record);
    const version = (await this.#deps.templates.version(tenant.id, record!.templateId, record!.templateVersion))!;
    const file = await readMultipartUpload(ctx.req, (part) => this.#store(ctx, recordId, version.definition.fields, part));
    await this.announce(ctx, file);
    return file;
  }

  async #store(ctx: Context, recordId: string, fields: readonly TemplateField[], part: UploadPart): Promise<RecordFile> {
    let field: TemplateField;
    try {
      field = uploadFieldOf(fields, part.fieldPath);
    } catch (error) {
      part.stream.resume();
      throw error;
    }
    const received = await this.receive(ctx, field, part);
    try {
      return await this.#deps.db.transaction((transaction) => this.commitIn(ctx, received, recordId, transaction));
    } catch (error) {
      await this.discard([received]);
      throw error;
    }
  }

  /**
   * Streams one file part for `field` into the blob store while it arrives: type by its first bytes, the
   * file and tenant limits (less `reservedBytes`, what the same request has already stored), a photo's
   * facts and pixel limit. The blob is not in the catalogue yet: commitIn() files it, discard() drops it.
   */
  async receive(ctx: Context, field: TemplateField, part: UploadPart, options: { reservedBytes?: number } = {}): Promise<ReceivedFile> {
    const { tenant } = tenantAccessOf(ctx);
    const used = await this.#files.totalSize(tenant.id) + (options.reservedBytes ?? 0);
    const room = this.#limits.maxTenantBytes - used;
    if (room <= 0) {
      part.stream.resume();
      throw new AppError(413, 'tenant_storage_full', `This organisation's files take all of its ${this.#limits.maxTenantBytes} bytes: delete files or ask the administrator for more room.`);
    }
    let mime = 'application/octet-stream';
    let facts: ImageFacts | null = null;
    const images = this.#deps.images();
    let prepared: PreparedBlob;
    try {
      prepared = await this.#encrypted.store(tenant.id, part.stream, {
        maxBytes: Math.min(this.#limits.maxFileBytes, room), signal: part.signal, headBytes: images?.headBytes,
        inspectHead: async (head) => {
          if (head.length === 0) return;
          mime = checkType(field, head);
          // The pixel limit refuses a decompression bomb here, before a byte of it is stored.
          if (images && mime.startsWith('image/')) facts = await images.inspect(head, mime);
        },
      });
    } catch (error) {
      if ((error as AppError).code === 'file_too_large' && room < this.#limits.maxFileBytes) {
        throw noRoomFor(room);
      }
      if ((error as AppError).code === 'file_too_large') throw fileTooLarge(this.#limits.maxFileBytes);
      throw error;
    }
    try {
      if (prepared.plaintextSize === 0) throw new AppError(422, 'empty_file', 'The file is empty (0 bytes): choose the file again.', { details: { fields: { file: 'is empty' } } });
      part.signal.throwIfAborted();
    } catch (error) {
      await this.#encrypted.discard(prepared);
      throw error;
    }
    return { id: newId(), fieldPath: part.fieldPath, name: displayFileName(part.filename), mime, facts, prepared };
  }

  /**
   * Files a received file under a record inside the caller's transaction (the record's own, or one of
   * its own): the tenant limit again, the blob row, the file row and the file.upload audit entry.
   */
  async commitIn(ctx: Context, received: ReceivedFile, recordId: string, transaction: Transaction): Promise<RecordFile> {
    const { tenant } = tenantAccessOf(ctx);
    const { prepared, mime } = received;
    const file: RecordFile = {
      id: received.id, tenantId: tenant.id, recordId, fieldPath: received.fieldPath, blobId: prepared.id, name: received.name, mime,
      size: prepared.plaintextSize, sha256: prepared.plaintextSha256, ...captureFacts(received.facts), createdBy: authenticationOf(ctx).user.id, createdAt: Date.now(),
    };
    await this.#checkRoomInside(tenant.id, file.size, transaction);
    await this.#encrypted.commit(prepared, transaction);
    await this.#files.insert(file, transaction);
    await ctx.audit.record(auditEventOf(ctx, { action: 'file.upload', objectType: 'file', objectId: file.id, details: { recordId, field: file.fieldPath, name: file.name, mime, size: file.size, sha256: file.sha256 } }), transaction);
    return file;
  }

  /** Drops the stored bytes of received files that were not filed (their transaction failed, or the save was refused). */
  async discard(received: readonly ReceivedFile[]): Promise<void> {
    await Promise.all(received.map((file) => this.#encrypted.discard(file.prepared)));
  }

  /** After a file's transaction committed: a photo's renditions are started and the file.stored hook runs; a failure is logged, the file stays. */
  async announce(ctx: Context, file: RecordFile): Promise<void> {
    const log = (ctx.state as { log?: { error(o: object, m: string): void } }).log;
    const images = this.#deps.images();
    if (images && file.mime.startsWith('image/')) {
      // The file is saved whatever happens here; a photo whose renditions fail shows its reason instead.
      await images.makeVariants(file.tenantId, { blobId: file.blobId, mime: file.mime, size: file.size }).catch((error: unknown) => {
        log?.error({ err: error, fileId: file.id }, 'Making a photo\'s thumbnail and preview failed to start');
      });
    }
    try {
      await this.#deps.hooks.emit('file.stored', { tenantId: file.tenantId, fileId: file.id, recordId: file.recordId, blobId: file.blobId, mime: file.mime });
    } catch (error) {
      log?.error({ err: error, hook: 'file.stored' }, 'A file hook failed after the upload was saved');
    }
  }

  /**
   * The tenant limit again, inside the transaction that adds the file: uploads that were each let in
   * with the room there was cannot together pass it. On PostgreSQL the tenant's row is locked, so two
   * uploads of one tenant take turns here (SQLite's writer is one at a time anyway).
   */
  async #checkRoomInside(tenantId: string, size: number, transaction: Transaction): Promise<void> {
    if (this.#deps.db.dialect === 'postgres') await this.#deps.db.selectIn('SELECT id FROM kirjuri_tenants WHERE id = $1 FOR UPDATE', [tenantId], transaction);
    const used = await this.#files.totalSize(tenantId, transaction);
    if (used + size > this.#limits.maxTenantBytes) {
      throw noRoomFor(Math.max(0, this.#limits.maxTenantBytes - used));
    }
  }

  /**
   * A photo's rendition (view access): ready with its bytes, pending (being made: a photo uploaded
   * before the images plugin was there is queued now), or why there is none.
   */
  async rendition(ctx: Context, fileId: string, kind: ImageVariantKind): Promise<{ file: RecordFile; found: ImageVariantLookup; blob: OpenedBlob | null }> {
    const { tenant } = tenantAccessOf(ctx);
    const file = await this.find(ctx, fileId);
    const images = this.#deps.images();
    if (!images || !file.mime.startsWith('image/') || !images.processes(file.mime)) {
      const reason = !images ? 'This server makes no thumbnails: the images plugin is not installed.' : !file.mime.startsWith('image/') ? 'The file is not an image.' : `No preview is made of ${file.mime} images on this server; download the original instead.`;
      return { file, found: { state: 'failed', reason }, blob: null };
    }
    let found = await images.variant(tenant.id, file.blobId, kind);
    if (found.state === 'none') {
      void images.makeVariants(tenant.id, { blobId: file.blobId, mime: file.mime, size: file.size }).catch(() => undefined);
      found = { state: 'pending' };
    }
    const blob = found.state === 'ready' ? await this.#encrypted.open(tenant.id, found.variant.blobId) : null;
    return { file, found: found.state === 'ready' && !blob ? { state: 'failed', reason: `The stored ${kind} is missing.` } : found, blob };
  }

  /** A file the caller may see (view access; a download audits file.download itself). */
  async find(ctx: Context, fileId: string): Promise<RecordFile> {
    const { tenant } = tenantAccessOf(ctx);
    await ctx.access.requireAccess(ctx, 'view', { type: 'file', id: fileId });
    return (await this.#files.find(tenant.id, fileId))!;
  }

  /** The bytes of a file found with find(), whole or `range` of them; null when its blob is missing. */
  async bytesOf(file: RecordFile, range?: { start: number; end: number }): Promise<OpenedBlob | null> {
    return await this.#encrypted.open(file.tenantId, file.blobId, range);
  }
}
