import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError, auditEventOf, imageVariantKinds, tenantParticipant, type ImageVariantKind, type PluginRuntime, type RouteDeclaration } from '../../../core/plugin-api.ts';
import { attachmentDisposition } from '../services/file-name.ts';
import type { RecordFile } from '../services/file-store.ts';
import { idParams } from './route-schemas.ts';

type Route = RouteDeclaration<unknown, unknown, unknown, PluginRuntime>;
const parts = (runtime: PluginRuntime) => runtime.services.get('records.api').parts;

/** The JSON of a record file (API.md: `{id, name, size, mime, sha256, takenAt?, location?}`). */
export function fileJson(file: RecordFile): Record<string, unknown> {
  return {
    id: file.id, recordId: file.recordId, field: file.fieldPath, name: file.name, size: file.size, mime: file.mime, sha256: file.sha256,
    takenAt: file.takenAt === null ? null : new Date(file.takenAt).toISOString(),
    location: file.latitude === null || file.longitude === null ? null : { lat: file.latitude, lon: file.longitude },
  };
}

/**
 * The byte range a Range header asks for in a file of `size` bytes: null to send the whole file (no
 * header, several ranges, or one that is not bytes), 'unsatisfiable' for a range outside the file.
 */
export function requestedRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, from, to] = match;
  if (from === '') {
    // A suffix: the last n bytes.
    const n = Number(to);
    return n === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

const etagOf = (file: RecordFile): string => `"${file.sha256}"`;

function sendHeaders(ctx: Context, file: RecordFile): void {
  ctx.set('Content-Disposition', attachmentDisposition(file.name));
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('ETag', etagOf(file));
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox; frame-ancestors 'none'");
}

/**
 * Whether the client's copy is current (its If-None-Match names the ETag just set): Koa's own
 * freshness check, which looks only at a successful answer, so the status is set to 200 first.
 */
function clientHasIt(ctx: Context): boolean {
  ctx.status = 200;
  return ctx.fresh;
}

/** The placeholders a photo shows while its thumbnail is made, or when none can be: read once, when first wanted. */
const placeholders = new Map<string, Promise<Buffer>>();
const placeholder = (runtime: PluginRuntime, name: 'photo-pending' | 'photo-no-preview'): Promise<Buffer> => {
  const key = `${runtime.dir}/${name}`;
  let bytes = placeholders.get(key);
  if (!bytes) placeholders.set(key, bytes = readFile(join(runtime.dir, 'assets', 'img', `${name}.png`)));
  return bytes;
};

const renditionQuery = z.strictObject({ size: z.enum(imageVariantKinds, `must be ${imageVariantKinds.join(' or ')}`).default('thumbnail') });

/** Whether the client would rather have a picture than a JSON error (an <img> asks with image/*). */
const wantsImage = (ctx: Context): boolean => ctx.accepts(['application/json', 'image/png']) === 'image/png' && !ctx.get('Accept').includes('application/json');

/** The rendition route: a photo's thumbnail or preview, 202 with a placeholder while it is being made. */
function renditionRoute(): Route {
  return {
    method: 'GET', path: '/api/v1/t/:t/files/:id/thumbnail', policy: tenantParticipant, tags: ['records'], params: idParams, query: renditionQuery,
    summary: 'A photo\'s thumbnail (`?size=thumbnail`, 320 px) or preview (`?size=preview`, 1600 px), made by the images plugin without the original\'s metadata; cacheable privately.',
    responses: { 200: 'The rendition (WebP).', 202: 'Being made: a placeholder image; ask again after Retry-After seconds.', 304: 'Not changed.', 404: 'Missing, not visible, not an image, or no rendition can be made (the reason is given).' },
    async handler(ctx, { params, query }, runtime) {
      const id = (params as { id: string }).id;
      const kind = (query as { size: ImageVariantKind }).size;
      const { file, found, blob } = await parts(runtime).uploads.rendition(ctx, id, kind);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', "default-src 'none'; sandbox; frame-ancestors 'none'");
      if (found.state === 'pending') {
        ctx.status = 202;
        ctx.set('Retry-After', '2');
        ctx.set('Cache-Control', 'no-store');
        ctx.type = 'image/png';
        ctx.body = await placeholder(runtime, 'photo-pending');
        return;
      }
      if (found.state !== 'ready' || !blob) {
        const reason = found.state === 'failed' ? found.reason : 'The preview is missing.';
        if (!wantsImage(ctx)) throw new AppError(404, 'no_rendition', `There is no ${kind} of "${file.name}": ${reason}`, { details: { reason } });
        ctx.status = 404;
        ctx.set('Cache-Control', 'private, no-cache');
        ctx.type = 'image/png';
        ctx.body = await placeholder(runtime, 'photo-no-preview');
        return;
      }
      const { variant } = found;
      const etag = `"${blob.row.plaintextSha256}"`;
      ctx.set('ETag', etag);
      // A rendition never changes once made: the browser keeps it, only for this person.
      ctx.set('Cache-Control', 'private, max-age=86400');
      ctx.set('Content-Disposition', `inline; filename="${kind}.${variant.mime === 'image/jpeg' ? 'jpg' : 'webp'}"`);
      // Thumbnails are part of the (audited) page that shows them; opening a preview is a view of its own.
      if (kind === 'preview') ctx.audit.recordSoon(auditEventOf(ctx, { action: 'file.view', objectType: 'file', objectId: id, details: { rendition: kind } }));
      if (clientHasIt(ctx)) {
        blob.stream.destroy();
        ctx.status = 304;
        return;
      }
      blob.stream.once('error', () => ctx.res.destroy());
      ctx.type = variant.mime;
      ctx.body = blob.stream;
      ctx.length = blob.row.plaintextSize;
    },
  };
}

/** API.md's files routes: upload to a record's photo or file field, download, and a photo's renditions. */
export function fileRoutes(): Route[] {
  return [
    renditionRoute(),
    {
      method: 'POST', path: '/api/v1/t/:t/records/:id/files', policy: tenantParticipant, tags: ['records'], params: idParams, streamBody: true,
      summary: 'Uploads one file to a record\'s photo or file field: multipart with `field` (key, or group.N.key) before `file`; stored encrypted; the id goes into the field with the next save.',
      responses: {
        201: 'The file.', 400: 'Not multipart, or `field` not before `file`.', 403: 'Not allowed.', 404: 'No such record.', 413: 'Over the file or organisation limit.',
        415: 'A type the field does not take (named).', 422: 'Not a photo or file field, or an empty file.',
      },
      async handler(ctx, { params }, runtime) {
        const file = await parts(runtime).uploads.upload(ctx, (params as { id: string }).id);
        ctx.status = 201;
        ctx.body = fileJson(file);
      },
    },
    {
      method: 'GET', path: '/api/v1/t/:t/files/:id', policy: tenantParticipant, tags: ['records'], params: idParams,
      summary: 'A file\'s original bytes, decrypted, as an attachment; ETag (304), single Range requests (206, 416).',
      responses: { 200: 'The file.', 206: 'The requested range.', 304: 'Not changed.', 404: 'Missing or not visible.', 416: 'The range lies outside the file.' },
      async handler(ctx, { params }, runtime) {
        const id = (params as { id: string }).id;
        const { uploads } = parts(runtime);
        const file = await uploads.find(ctx, id);
        sendHeaders(ctx, file);
        if (clientHasIt(ctx)) {
          ctx.status = 304;
          return;
        }
        const range = requestedRange(ctx.get('Range') || undefined, file.size);
        if (range === 'unsatisfiable') {
          throw new AppError(416, 'range_not_satisfiable', `The range lies outside the file of ${file.size} bytes: ask for bytes 0 to ${file.size - 1}.`, { headers: { 'Content-Range': `bytes */${file.size}` } });
        }
        const blob = await uploads.bytesOf(file, range ?? undefined);
        if (!blob) throw new AppError(500, 'file_blob_missing', `The stored bytes of file ${id} are missing.`, { expose: false });
        ctx.audit.recordSoon(auditEventOf(ctx, { action: 'file.download', objectType: 'file', objectId: id, details: range ? { range: `${range.start}-${range.end}` } : {} }));
        // A damaged blob fails mid-stream: the connection is cut, so the client never takes a short file for the whole one.
        blob.stream.once('error', (error: Error) => {
          (ctx.state as { log?: { error(o: object, m: string): void } }).log?.error({ err: error, fileId: id }, 'A file download failed its integrity check; the connection was cut');
          ctx.res.destroy();
        });
        ctx.type = file.mime;
        if (range) {
          ctx.status = 206;
          ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
        }
        ctx.body = blob.stream;
        ctx.length = range ? range.end - range.start + 1 : file.size;
      },
    },
  ];
}
