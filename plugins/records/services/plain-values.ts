// Small checks on JSON values that the template and record code share.

// Line breaks and other control characters in a one-line text (a name, a label) would break lines in
// logs, exports and PDF reports; refusing them is clearer than cleaning them silently.
const controlCharacters = /[\p{Cc}\u2028\u2029]/u;

/** Upload ids, signature ids and user ids as the file and identity stores make them. */
export const storedIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether a value is a plain object (what JSON.parse makes of `{...}`), not an array, null or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * The object's own property `key`, or undefined. Field keys such as `constructor` or `toString` are valid,
 * and a plain `object[key]` would read them from Object.prototype when the data does not have them.
 */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Sets an own property even when the key is "__proto__", which a plain assignment would take as the
 * prototype setter and drop: an unknown key of that name must still be reported.
 */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** How many characters a text has, counting an emoji or another astral character once. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Whether a one-line text holds control characters (line breaks included). */
export function hasControlCharacters(text: string): boolean {
  return controlCharacters.test(text);
}

/** A value as JSON for a message, cut to 40 characters: input quoted back must not make a message long. */
export function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 39)}…` : json;
}

/** "1 file" or "3 files": a count with its noun, for messages. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
