// A browser form read straight from the request as it arrives (multipart/form-data with files, or plain
// urlencoded), for a `streamBody: 'form'` route: text fields are kept in memory in order, and each chosen
// file goes to `receive` as a stream while it comes, so no byte of it is buffered or written anywhere but
// where `receive` sends it (the encrypted blob store). The form's `_csrf` field must come before its
// first file: core verifies it there (verifyStreamedFormToken), or at the end of a form without files.
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import busboy from 'busboy';
import bytes from 'bytes';
import { AppError, badRequest, isAppError, streamedFormTokenPending, verifyStreamedFormToken } from '../../../core/plugin-api.ts';
import type { UploadPart } from './multipart-upload.ts';

/** A chosen file of a form: the control it was chosen in (`data.photos`), its bytes as they arrive, the name the device gave it. */
export interface FormFilePart extends Omit<UploadPart, 'fieldPath'> {
  controlName: string;
}

/** The limits of one form: its text (all fields together, config server.jsonLimit), its fields and its files. */
export interface StreamedFormLimits {
  maxTextBytes: number;
  maxFields: number;
  maxFiles: number;
}

/**
 * A form as read: its text fields in order (repeats kept), without `_csrf`; and when a file was refused
 * (by `receive`, or one too many), why: the files after it were skipped, the text read to the end.
 */
export interface StreamedForm {
  fields: Array<[string, string]>;
  refusal: AppError | null;
}

/** Whether a refusal of one file leaves the rest of the form worth reading: a 4xx about the file, not about who sends it. */
const refusesOnlyTheFile = (error: unknown): error is AppError => isAppError(error) && error.status >= 400 && error.status < 500 && ![401, 403, 404].includes(error.status);

const tooLarge = (what: string): AppError => new AppError(413, 'form_too_large', `${what}: shorten the text or save in smaller steps.`);
const csrfFirst = (): AppError => new AppError(403, 'csrf_failed', 'The form\'s CSRF token must come before its files, and it did not, so nothing of it was kept. Reload the page and submit the form again.');

/**
 * Reads a form body with busboy. Each file part goes to `receive` one after the other (the next waits
 * for the one before to be stored, so they are stored in order); a file input left empty is skipped.
 * When `receive` refuses a file with a 4xx about it (type, size, field), later files are skipped and
 * the text is read on, so the form can be shown again as typed (`refusal`). Any other failure (the
 * token, access, a text limit, a malformed body, the client going away) rejects: the rest of the body is
 * read and dropped. Either way it settles only once no `receive` is still running: what they stored is
 * then the caller's to file or discard.
 */
export function readStreamedForm(ctx: Context, limits: StreamedFormLimits, receive: (part: FormFilePart, fieldsSoFar: ReadonlyArray<[string, string]>) => Promise<void>): Promise<StreamedForm> {
  const req = ctx.req;
  return new Promise<StreamedForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Browsers send names as UTF-8 (busboy would read multipart names as Latin-1).
      parser = busboy({
        headers: req.headers, defParamCharset: 'utf8',
        limits: { fields: limits.maxFields, files: limits.maxFiles, parts: limits.maxFields + limits.maxFiles, fieldSize: limits.maxTextBytes, fieldNameSize: 200 },
      });
    } catch {
      req.resume();
      reject(new AppError(415, 'unsupported_media_type', 'Send the form as multipart/form-data (or application/x-www-form-urlencoded without files).'));
      return;
    }
    const gone = new AbortController();
    req.once('close', () => { if (!req.complete) gone.abort(new Error('The form was cut off before all of it came: nothing of it was kept.')); });
    const fields: Array<[string, string]> = [];
    let csrf: string | undefined;
    let textBytes = 0;
    let failure: unknown = null;
    let refusal: AppError | null = null;
    // The receives so far, one after the other; never rejects (a failure is kept in `failure`).
    let stored: Promise<void> = Promise.resolve();
    const active = new Set<PassThrough>();
    const fail = (error: unknown): void => {
      if (failure !== null) return;
      failure = error;
      // The rest of the body is read and dropped, so that the answer reaches a client still sending.
      req.unpipe(parser);
      req.resume();
      // A file still arriving is cut off (its store fails on the premature close and keeps nothing).
      for (const stream of active) stream.destroy();
      void stored.then(() => reject(failure));
    };
    // Without this a form cut off between two parts would wait for the rest for ever.
    gone.signal.addEventListener('abort', () => fail(gone.signal.reason), { once: true });
    const verifyToken = (): boolean => {
      try {
        verifyStreamedFormToken(ctx, csrf);
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    };
    parser.on('field', (name, value, info) => {
      if (failure !== null) return;
      if (info.valueTruncated || info.nameTruncated) return fail(tooLarge('A field of the form is too long'));
      textBytes += name.length + value.length;
      if (textBytes > limits.maxTextBytes) return fail(tooLarge(`The form's text is over ${limits.maxTextBytes} bytes`));
      if (name === '_csrf') {
        csrf ??= value;
        if (streamedFormTokenPending(ctx)) verifyToken();
        return;
      }
      fields.push([name, value]);
    });
    parser.on('file', (name, stream, info) => {
      // A file input left empty sends a part without a name or bytes.
      if (failure !== null || refusal !== null || !info.filename) {
        stream.resume();
        return;
      }
      if (streamedFormTokenPending(ctx)) {
        stream.resume();
        fail(csrfFirst());
        return;
      }
      // `receive` gets a stream of its own: when it gives up on a file (and destroys what it reads), the
      // rest of busboy's part is drained instead, or busboy would wait on it and never reach the next part.
      const bytes = new PassThrough();
      const drain = (): void => {
        stream.unpipe(bytes);
        stream.resume();
      };
      active.add(bytes);
      const before = stored;
      const fieldsSoFar = [...fields];
      stored = before.then(async () => {
        if (failure !== null || refusal !== null) {
          active.delete(bytes);
          stream.resume();
          return;
        }
        stream.pipe(bytes);
        try {
          await receive({ controlName: name, stream: bytes, filename: info.filename, signal: gone.signal }, fieldsSoFar);
        } catch (error) {
          active.delete(bytes);
          drain();
          if (refusesOnlyTheFile(error) && !gone.signal.aborted) refusal = error;
          else fail(error);
        } finally {
          active.delete(bytes);
        }
      });
    });
    parser.on('fieldsLimit', () => fail(tooLarge(`The form has more than ${limits.maxFields} fields`)));
    parser.on('filesLimit', () => { refusal ??= new AppError(413, 'too_many_files', `At most ${limits.maxFiles} files can be saved at once: save these in smaller groups.`); });
    parser.on('error', (error: Error) => fail(badRequest('bad_form', `The form could not be read: ${error.message}`)));
    parser.on('close', () => {
      void stored.then(() => {
        if (failure !== null) return;
        if (gone.signal.aborted) return fail(gone.signal.reason);
        // A form without files (or a plain urlencoded one) has its token checked once all of it came.
        if (!verifyToken()) return;
        resolve({ fields, refusal });
      });
    });
    req.pipe(parser);
  });
}

/** A byte size as config writes it (a number, or "1mb", "512kb"), read by the same library koa-body's parsers use. */
export function bytesOfSize(size: number | string): number {
  const parsed = bytes.parse(size);
  if (parsed === null || Number.isNaN(parsed)) throw new Error(`"${size}" is not a size such as "1mb".`);
  return parsed;
}
