/**
 * The value rules of the typed theme settings. Both theme.json defaults and per-tenant overrides go
 * through them, so a value that reaches a template (and its nonce'd <style> block) is always one of these
 * shapes and never needs raw output.
 */
export const themeSettingTypes = ['color', 'url', 'text', 'boolean', 'image'] as const;

/** One of the typed setting kinds a theme may declare. */
export type ThemeSettingType = (typeof themeSettingTypes)[number];

/** A validated setting value: booleans for `boolean`, strings for everything else. */
export type ThemeSettingValue = string | boolean;

const hexColor = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
// Root-relative paths only: "//host" and "/\host" are other origins to a browser.
const rootRelativePath = /^\/(?![/\\])[^\s\\"'<>`]*$/;
const httpUrl = /^https?:\/\/[^\s\\"'<>`]+$/i;
const imageDataUri = /^data:image\/(?:png|jpeg|gif|webp|avif|svg\+xml);base64,[a-z0-9+/]+={0,2}$/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const controlCharacters = /[\u0000-\u001f\u007f]/;
const maxTextLength = 200;
const maxImageLength = 256 * 1024;

/** Whether a string parses as a URL with the http or https scheme. */
function isHttpUrl(value: string): boolean {
  if (!httpUrl.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks a value against a setting type; returns it normalised, or a sentence saying what is wrong. */
export function checkThemeSettingValue(type: ThemeSettingType, value: unknown): { ok: true; value: ThemeSettingValue } | { ok: false; problem: string } {
  if (type === 'boolean') {
    return typeof value === 'boolean' ? { ok: true, value } : { ok: false, problem: 'must be true or false' };
  }
  if (typeof value !== 'string') return { ok: false, problem: 'must be a string' };
  switch (type) {
    case 'color':
      return hexColor.test(value)
        ? { ok: true, value: value.toLowerCase() }
        : { ok: false, problem: `must be a colour written as #rgb or #rrggbb (such as #1c5d99), not ${JSON.stringify(value)}` };
    case 'text':
      if (value.length > maxTextLength) return { ok: false, problem: `must be at most ${maxTextLength} characters long` };
      if (controlCharacters.test(value)) return { ok: false, problem: 'must not contain line breaks or control characters' };
      return { ok: true, value: value.trim() };
    case 'url':
      if (value === '' || rootRelativePath.test(value) || isHttpUrl(value)) return { ok: true, value };
      return { ok: false, problem: `must be an http(s) URL or a path on this server starting with "/" (such as /help), not ${JSON.stringify(value.slice(0, 80))}` };
    case 'image':
      // The Content-Security-Policy allows images from this server and data: URIs only, so a remote
      // URL would be accepted here and then blocked in every browser.
      if (value.length > maxImageLength) return { ok: false, problem: `must be at most ${maxImageLength / 1024} KiB; upload a smaller image` };
      if (value === '' || rootRelativePath.test(value) || imageDataUri.test(value)) return { ok: true, value };
      return {
        ok: false,
        problem: 'must be a path on this server starting with "/" (such as /files/logo.png) or a base64 data:image URI; images from other sites are blocked by the Content-Security-Policy',
      };
  }
}
