// A file's name as the uploader's device called it is shown to people and put in download headers, and
// nothing else: storage keys are made by the server. So the name is cut down to something safe to show.

const maxNameLength = 200;

/**
 * The display name of an uploaded file: its last path segment (`../../etc/passwd` -> `passwd`), without
 * control or bidirectional-override characters, trimmed, at most 200 characters (the extension kept),
 * and "file" when nothing is left.
 */
export function displayFileName(given: string | undefined): string {
  const lastSegment = (given ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = lastSegment.replace(/[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '').trim().replace(/^\.+/, '');
  if (cleaned === '') return 'file';
  if (cleaned.length <= maxNameLength) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, maxNameLength - extension.length) + extension;
}

/** A Content-Disposition header that makes the browser save the file under its display name. */
export function attachmentDisposition(name: string): string {
  // The ASCII fallback for old clients; filename* carries the real name (RFC 6266, RFC 8187).
  const fallback = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
