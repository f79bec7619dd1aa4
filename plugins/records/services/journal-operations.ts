import type { Context } from 'koa';
import { AppError, auditEventOf, authenticationOf, hasControlCharacters, tenantAccessOf } from '../../../core/plugin-api.ts';
import type { JournalEntry } from './journal-store.ts';
import { requireRecordAccess } from './record-access.ts';
import { validateRecordData } from './record-data.ts';
import { dataRefusal, resolveSignatures } from './record-input.ts';
import type { RecordsDeps } from './records-deps.ts';

/** A new journal entry: its text, the entry fields' data, and the entry it corrects, if any. */
export interface AppendEntryInput {
  text: string;
  data?: unknown;
  corrects?: string;
}

const maxEntryText = 20_000;

/**
 * Journal entries: appended to a journal record with the server's time and the caller as author (edit
 * access; manage once the journal is completed), never edited. A correction is a new entry that names
 * the one it corrects. Each append is audited as record.update in its transaction.
 */
export class JournalOperations {
  readonly #deps: RecordsDeps;

  constructor(deps: RecordsDeps) {
    this.#deps = deps;
  }

  /** Appends an entry to a journal the caller may edit. */
  async append(ctx: Context, recordId: string, input: AppendEntryInput): Promise<JournalEntry> {
    const { tenant } = tenantAccessOf(ctx);
    const { user } = authenticationOf(ctx);
    const record = await this.#deps.records.find(tenant.id, recordId);
    await requireRecordAccess(ctx, this.#deps.folders, record?.status === 'completed' ? 'manage' : 'edit', recordId, record);
    const version = (await this.#deps.templates.version(tenant.id, record!.templateId, record!.templateVersion))!;
    if (version.definition.kind !== 'journal') throw new AppError(422, 'not_a_journal', 'Entries are appended to journals; this record is a form or a measurement: change its fields instead.');
    const text = input.text.trim();
    if (text.length === 0 || text.length > maxEntryText || hasControlCharacters(text, { allowNewlines: true })) {
      throw new AppError(422, 'invalid_entry', `The entry needs text of 1 to ${maxEntryText} characters, without control characters.`, { details: { fields: { text: 'must be 1 to 20000 characters of text' } } });
    }
    // A correction says what was wrong; it need not repeat every required field of the entry it corrects.
    const checked = validateRecordData(version.definition.entryFields ?? [], input.data ?? {}, { requireComplete: !input.corrects });
    if (!checked.ok) throw dataRefusal(checked.errors, 'The entry');
    const staged = await this.#deps.signatures.stage(tenant.id, checked.data);
    const entry = await staged.around(() => this.#deps.db.transaction(async (transaction) => {
      if (input.corrects && !(await this.#deps.journal.find(tenant.id, recordId, input.corrects, transaction))) {
        throw new AppError(422, 'unknown_entry', 'The entry to correct is not in this journal.', { details: { fields: { corrects: 'is not an entry of this journal' } } });
      }
      // A signature drawn in an entry is stored like a form's: tied to its signer, the time and the record's revision.
      const signed = resolveSignatures({
        fields: version.definition.entryFields ?? [], data: checked.data, previous: {}, store: this.#deps.signatures,
        tenantId: tenant.id, recordId, revision: record!.revision, signer: { id: user.id, name: user.name }, staged,
      });
      const appended = await this.#deps.journal.append({ tenantId: tenant.id, recordId, text, data: signed.data, correctsId: input.corrects ?? null, authorId: user.id }, transaction);
      await signed.write(transaction);
      await this.#deps.records.touch(tenant.id, recordId, appended.createdAt, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'record.update', objectType: 'record', objectId: recordId, details: { entry: appended.seq, corrects: input.corrects ?? null } }), transaction);
      return appended;
    }));
    try {
      await this.#deps.hooks.emit('record.entry_added', { tenantId: tenant.id, recordId, templateId: record!.templateId, folderId: record!.folderId, revision: record!.revision, actorId: user.id, entryId: entry.id, seq: entry.seq });
    } catch (error) {
      (ctx.state as { log?: { error(o: object, m: string): void } }).log?.error({ err: error, hook: 'record.entry_added' }, 'A record hook failed after the entry was saved');
    }
    return entry;
  }

  /** A journal's entries in order, a page at a time (view access). */
  async list(ctx: Context, recordId: string, page: { afterSeq: number; limit: number }): Promise<JournalEntry[]> {
    const { tenant } = tenantAccessOf(ctx);
    const record = await this.#deps.records.find(tenant.id, recordId);
    await requireRecordAccess(ctx, this.#deps.folders, 'view', recordId, record);
    return this.#deps.journal.list(tenant.id, recordId, page);
  }
}
