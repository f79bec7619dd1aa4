import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { badRequest } from '../../../core/plugin-api.ts';

/** The one file of an upload: the field it is for (sent before it), its bytes as a stream, and the name the device gave it. */
export interface UploadPart {
  fieldPath: string;
  stream: Readable;
  filename: string | undefined;
  /** Aborted when the client goes away before the whole request came. */
  signal: AbortSignal;
}

const mustBeMultipart = (): Error => badRequest('not_multipart', 'Send the upload as multipart/form-data with a "field" part and then a "file" part.');

/**
 * Reads a multipart upload straight from the request with busboy: a `field` part (the template field),
 * then one `file` part, which goes to `handle` as a stream while it arrives, so no byte of it is buffered
 * or written anywhere but where `handle` sends it. Resolves with what `handle` resolves once the whole
 * request was read; a `file` before `field`, no `file`, or a malformed body is a 400.
 */
export function readMultipartUpload<T>(req: IncomingMessage, handle: (part: UploadPart) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const gone = new AbortController();
    const onClose = (): void => { if (!req.complete) gone.abort(new Error('The upload was cut off before the whole file came: nothing of it was kept.')); };
    req.once('close', onClose);
    let parser: busboy.Busboy;
    try {
      // Browsers send names as UTF-8 (busboy would read them as Latin-1).
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, parts: 12, fieldSize: 1024, fieldNameSize: 100 } });
    } catch {
      req.resume();
      reject(mustBeMultipart());
      return;
    }
    let fieldPath: string | null = null;
    let outcome: Promise<T> | null = null;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      // The rest of the body is read and dropped, so that the answer reaches a client still sending.
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    parser.on('field', (name, value) => { if (name === 'field' && outcome === null) fieldPath = value; });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || outcome !== null) {
        stream.resume();
        return;
      }
      if (fieldPath === null) {
        stream.resume();
        fail(badRequest('field_first', 'Send the "field" part before the "file" part: the field decides which files it takes.', { fields: { field: 'must come before file' } }));
        return;
      }
      outcome = handle({ fieldPath, stream, filename: info.filename, signal: gone.signal });
      outcome.catch(fail);
    });
    parser.on('error', (error: Error) => fail(badRequest('bad_multipart', `The upload could not be read as multipart/form-data: ${error.message}`)));
    parser.on('close', () => {
      if (outcome === null) fail(badRequest('no_file', 'The upload has no "file" part: send the file after the "field" part.', { fields: { file: 'is required' } }));
      else outcome.then((value) => { if (!settled) { settled = true; resolve(value); } }, fail);
    });
    req.pipe(parser);
  });
}
