import { createReadStream } from 'node:fs';
import type Koa from 'koa';
import { AppError, notFound } from '../http/app-error.ts';
import type { ThemeEngine } from './theme-engine.ts';

const prefix = '/assets/';
const immutable = 'public, max-age=31536000, immutable';
// An old page asking for a previous asset version gets today's file, but only for a few minutes.
const shortLived = 'public, max-age=300';

/**
 * Splits "/assets/<theme>/<version>/<path>" into decoded segments, or returns undefined for anything a
 * file server must not guess about: encoded slashes or backslashes, dot-segments and dot-files, empty
 * segments, NUL bytes and malformed escapes.
 */
function parseAssetPath(rawPath: string): { theme: string; version: string; path: string } | undefined {
  if (/%(?:2f|5c|00)/i.test(rawPath)) return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.slice(prefix.length).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment.startsWith('.') || segment.includes('\\') || segment.includes('\0')) return undefined;
    segments.push(segment);
  }
  const [theme, version, ...rest] = segments;
  if (theme === undefined || version === undefined || rest.length === 0) return undefined;
  return { theme, version, path: rest.join('/') };
}

/**
 * Koa middleware serving theme assets at GET|HEAD /assets/<theme>/<version>/<path>, inherited assets
 * included. Only files indexed at boot are served, so a request can never name another file. The
 * current version is cached for a year as immutable; ETag revalidation answers 304.
 */
export function serveThemeAssets(engine: ThemeEngine): (ctx: Koa.Context, next: Koa.Next) => Promise<void> {
  const serveAsset = async (ctx: Koa.Context): Promise<void> => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw new AppError(405, 'method_not_allowed', 'Theme assets can only be fetched with GET or HEAD.', { headers: { Allow: 'GET, HEAD' } });
    }
    const parsed = parseAssetPath(ctx.path);
    const found = parsed && engine.findAsset(parsed.theme, parsed.path);
    if (!parsed || !found) throw notFound('This theme file does not exist; reload the page to get current links.');
    const { asset, assetVersion } = found;

    ctx.status = 200;
    ctx.set('Cache-Control', parsed.version === assetVersion ? immutable : shortLived);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.etag = asset.etag;
    ctx.type = asset.contentType;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.length = asset.size;
    // HEAD ends without a body; opening a stream for it would only hold a file descriptor.
    if (ctx.method === 'GET') ctx.body = asset.content ?? createReadStream(asset.file);
  };
  // Not async itself: every other request passes straight on without an extra promise.
  return (ctx, next) => (ctx.path.startsWith(prefix) ? serveAsset(ctx) : next());
}
