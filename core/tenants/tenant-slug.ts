// Slugs are URL segments (/t/{slug}) and must not shadow what Kirjuri itself serves.
const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const reservedSlugs = new Set(['admin', 'api', 'assets', 'setup', 'login', 'logout', 'invite', 'me', 'new', 'settings', 'static', 'system', 'kirjuri']);

/** Why a tenant slug cannot be used, or null when it can: lower-case letters, digits and inner hyphens, 1 to 63 characters. */
export function slugProblem(slug: string): string | null {
  if (!slugPattern.test(slug)) return 'must be 1 to 63 lower-case letters, digits or hyphens, starting and ending with a letter or digit (such as "rakennus-oy")';
  if (reservedSlugs.has(slug)) return `"${slug}" is reserved by Kirjuri; choose another`;
  return null;
}
