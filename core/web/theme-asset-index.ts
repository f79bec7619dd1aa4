import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assetContentType } from './asset-content-types.ts';
import { listThemeFiles } from './theme-files.ts';

/** One servable file under a theme's assets/ folder. */
export interface ThemeAsset {
  /** "css/kirjuri.css" */
  readonly path: string;
  readonly file: string;
  readonly size: number;
  readonly contentType: string;
  /** A strong ETag from the content hash, quoted; not the mtime, which every fresh checkout changes. */
  readonly etag: string;
  /** Small files are kept in memory; larger ones are streamed from `file`. */
  readonly content?: Buffer;
}

const keepInMemoryBelow = 512 * 1024;

/** Reads and hashes every file under `<themeDir>/assets` once, at boot. */
export function indexAssetDirectory(themeDir: string): Promise<Map<string, ThemeAsset>> {
  return indexAssetFiles(join(themeDir, 'assets'), '');
}

/**
 * Reads and hashes a plugin's browser files (its `assets(dir)`) as the assets `plugins/<plugin>/<path>`:
 * every theme serves them beneath its own, so a theme can override one by shipping the same path.
 */
export async function indexPluginAssets(pluginAssetDirs: ReadonlyArray<{ namespace: string; dir: string }>): Promise<Map<string, ThemeAsset>> {
  const assets = new Map<string, ThemeAsset>();
  for (const { namespace, dir } of pluginAssetDirs) {
    for (const [path, asset] of await indexAssetFiles(dir, `plugins/${namespace}/`)) assets.set(path, asset);
  }
  return assets;
}

async function indexAssetFiles(root: string, prefix: string): Promise<Map<string, ThemeAsset>> {
  const assets = new Map<string, ThemeAsset>();
  for (const relative of await listThemeFiles(root)) {
    const file = join(root, ...relative.split('/'));
    const content = await readFile(file);
    const hash = createHash('sha256').update(content).digest('base64url').slice(0, 27);
    const path = prefix + relative;
    assets.set(path, {
      path,
      file,
      size: content.length,
      contentType: assetContentType(path),
      etag: `"${hash}"`,
      ...(content.length < keepInMemoryBelow ? { content } : {}),
    });
  }
  return assets;
}

/**
 * Overlays the asset folders of a theme chain (base first, the theme itself last) and derives the
 * version segment of its asset URLs: the theme's version plus a hash of every file it serves, so an
 * upgrade of an inherited theme's CSS changes the URL even when the child theme's version does not.
 */
export function overlayThemeAssets(
  version: string,
  layers: readonly ReadonlyMap<string, ThemeAsset>[],
): { assets: ReadonlyMap<string, ThemeAsset>; assetVersion: string } {
  const assets = new Map<string, ThemeAsset>();
  for (const layer of layers) for (const [path, asset] of layer) assets.set(path, asset);
  const digest = createHash('sha256');
  for (const path of [...assets.keys()].sort()) digest.update(`${path}\0${(assets.get(path) as ThemeAsset).etag}\0`);
  return { assets, assetVersion: `${version}-${digest.digest('hex').slice(0, 10)}` };
}
