import type { HelperOptions } from 'handlebars';

const assetPath = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

/**
 * {{assetUrl "css/kirjuri.css"}}: the versioned URL of an asset of the theme being rendered (inherited
 * assets included). The engine checks literal paths against the theme's assets at boot.
 */
export default function assetUrl(path: unknown, options: HelperOptions): string {
  const base = (options.data as { theme?: { assetBase?: unknown } } | undefined)?.theme?.assetBase;
  if (typeof base !== 'string') throw new Error('assetUrl works only in templates rendered by the theme engine.');
  if (typeof path !== 'string' || !assetPath.test(path) || path.includes('..')) {
    throw new Error(`assetUrl needs a path under the theme's assets/ folder, such as "css/kirjuri.css", not ${JSON.stringify(path)}.`);
  }
  return base + path;
}
