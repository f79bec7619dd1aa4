// The record form as its page routes read it: streamed (multipart/form-data with photos and files, or
// urlencoded), each chosen file stored encrypted while it arrives, the text fields nested as koa-body's
// parser nested them (qs with allowDots), and the chosen files' ids put into their fields' values. The
// files are not filed under the record yet: the save files them in the record's own transaction, or
// discards them when it is refused.
import type { Context } from 'koa';
import qs from 'qs';
import type { Transaction } from 'sequelize';
import { AppError, isAppError, type PluginRuntime } from '../../../core/plugin-api.ts';
import { displayFileName } from '../services/file-name.ts';
import type { RecordFile } from '../services/file-store.ts';
import { uploadFieldOf, type FileUploads, type ReceivedFile } from '../services/file-uploads.ts';
import type { FilesOfSave } from '../services/record-writer.ts';
import { bytesOfSize, readStreamedForm, type FormFilePart } from '../services/streamed-form.ts';
import type { TemplateField } from '../services/template-types.ts';

/** The most fields and files one record form sends (a long template with groups stays far below). */
const formLimits = { maxFields: 1000, maxFiles: 50 };

/** The sentence every refused save with chosen files carries: a browser cannot put them back into the form. */
export const chooseFilesAgain = 'The photos and files you chose were not saved: choose them again before you save (a browser cannot keep them in the form).';

/**
 * The files chosen with one save: stored in the blob store, each with its id already in its field's
 * value; filed under the record by the save's transaction (`fileIn`), or discarded.
 */
export class ChosenFiles implements FilesOfSave {
  readonly #ctx: Context;
  readonly #uploads: FileUploads;
  readonly #received: ReceivedFile[] = [];
  readonly #controls: string[] = [];
  readonly #filed: RecordFile[] = [];

  constructor(ctx: Context, uploads: FileUploads) {
    this.#ctx = ctx;
    this.#uploads = uploads;
  }

  /** A file received for the control `controlName`. */
  add(controlName: string, received: ReceivedFile): void {
    this.#received.push(received);
    this.#controls.push(controlName);
  }

  /** How many files were chosen. */
  get count(): number {
    return this.#received.length;
  }

  /** The bytes they take (the tenant limit counts them before they are filed). */
  get bytes(): number {
    return this.#received.reduce((sum, file) => sum + file.prepared.plaintextSize, 0);
  }

  /** Their ids (new in the form's values: they are not listed again when the form is shown again). */
  get ids(): ReadonlySet<string> {
    return new Set(this.#received.map((file) => file.id));
  }

  /** Each file's control name and id, in the order they came, as form fields. */
  get fields(): Array<[string, string]> {
    return this.#received.map((file, index) => [this.#controls[index]!, file.id]);
  }

  /** Files them all under the record inside its transaction (rows, blob rows and file.upload audit entries). */
  async fileIn(recordId: string, transaction: Transaction): Promise<void> {
    for (const received of this.#received) this.#filed.push(await this.#uploads.commitIn(this.#ctx, received, recordId, transaction));
  }

  /** Drops their stored bytes: the save was refused, or its transaction failed. */
  async discard(): Promise<void> {
    this.#filed.length = 0;
    await this.#uploads.discard(this.#received);
  }

  /** After the save committed: thumbnails started and the file.stored hook, for each. */
  async announce(): Promise<void> {
    for (const file of this.#filed) await this.#uploads.announce(this.#ctx, file);
  }
}

/**
 * The record form as submitted: its parsed body and the files chosen with it; `refusal` when a chosen
 * file was refused (then nothing chosen is kept, and the body is there to show the form again as typed).
 */
export interface RecordFormSubmission {
  body: Record<string, unknown>;
  chosen: ChosenFiles;
  refusal: AppError | null;
}

/**
 * A file's refusal told about the file and put beside its control: `"IMG_0042.HEIC": The file is ...`.
 * Refusals of the whole request (403, 404, 5xx) pass unchanged.
 */
function fileRefusal(part: FormFilePart, error: unknown): unknown {
  if (!isAppError(error) || error.status === 403 || error.status === 404 || error.status >= 500) return error;
  const told = `"${displayFileName(part.filename)}": ${error.message}`;
  return new AppError(error.status, error.code, told, { details: { ...error.details, fields: { [part.controlName]: told } }, headers: error.headers });
}

/**
 * Reads the record form from the request. `fieldsOf` gives the template fields the chosen files go
 * into (it sees the text fields that came before the first file, such as a new record's templateId, and
 * checks access to store files there); it is asked before the first file is accepted. When a file is
 * refused, or anything else fails, nothing chosen is kept.
 */
export async function readRecordFormSubmission(
  ctx: Context, runtime: PluginRuntime, uploads: FileUploads, fieldsOf: (fieldsSoFar: ReadonlyArray<[string, string]>) => Promise<readonly TemplateField[]>,
): Promise<RecordFormSubmission> {
  const chosen = new ChosenFiles(ctx, uploads);
  let form;
  try {
    form = await readStreamedForm(ctx, { ...formLimits, maxTextBytes: bytesOfSize(runtime.kirjuri.server.jsonLimit) }, async (part, fieldsSoFar) => {
      const fields = await fieldsOf(fieldsSoFar);
      try {
        const fieldPath = part.controlName.startsWith('data.') ? part.controlName.slice('data.'.length) : part.controlName;
        let field: TemplateField;
        try {
          field = uploadFieldOf(fields, fieldPath);
        } catch (error) {
          part.stream.resume();
          throw error;
        }
        chosen.add(part.controlName, await uploads.receive(ctx, field, { ...part, fieldPath }, { reservedBytes: chosen.bytes }));
      } catch (error) {
        throw fileRefusal(part, error);
      }
    });
  } catch (error) {
    await chosen.discard();
    throw error;
  }
  if (form.refusal) {
    await chosen.discard();
    return { body: parsedForm(form.fields), chosen: new ChosenFiles(ctx, uploads), refusal: form.refusal };
  }
  // The chosen files' ids join their controls' values after what the form listed, as if the form had held them.
  return { body: parsedForm([...form.fields, ...chosen.fields]), chosen, refusal: null };
}

/** Form fields nested as koa-body's urlencoded parser nests them (co-body: qs with allowDots, its other defaults kept). */
function parsedForm(fields: ReadonlyArray<[string, string]>): Record<string, unknown> {
  return qs.parse(new URLSearchParams([...fields]).toString(), { allowDots: true, parameterLimit: formLimits.maxFields + formLimits.maxFiles }) as Record<string, unknown>;
}
