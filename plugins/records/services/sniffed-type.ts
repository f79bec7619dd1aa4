// A file's type from its first bytes (magic numbers). The name and the type the client declares are never
// trusted: a PNG called photo.jpg is a PNG, and an executable called report.pdf is refused.

/** A type the records plugin accepts, with what people call it. */
export interface SniffedType {
  mime: string;
  label: string;
}

const startsWith = (head: Buffer, bytes: number[], at = 0): boolean => head.length >= at + bytes.length && bytes.every((byte, i) => head[at + i] === byte);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

// ISO base media (HEIC, AVIF): a box `ftyp` at byte 4 and a major brand after it.
const heicBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** ZIP-based Office files name their main part early; which one says the type. */
function officeType(head: Buffer): SniffedType | null {
  const text = head.toString('latin1');
  if (!text.includes('[Content_Types].xml') && !/(word|xl|ppt)\//.test(text)) return null;
  if (text.includes('word/')) return { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'a Word document' };
  if (text.includes('xl/')) return { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'an Excel workbook' };
  if (text.includes('ppt/')) return { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', label: 'a PowerPoint presentation' };
  return null;
}

/** Plain text: valid UTF-8 without NUL or other control characters than tab, line feed, carriage return and form feed. */
function isPlainText(head: Buffer): boolean {
  // The head may end inside a multi-byte character: up to three trailing bytes are let through.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const body = text.endsWith('\uFFFD') ? text.replace(/\uFFFD{1,3}$/, '') : text;
  if (body.includes('\uFFFD')) return false;
  // Control characters are what this looks for.
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(body);
}

/** The type of a file whose first bytes are `head`, or a description of what it is when it is none of the accepted ones. */
export function sniffType(head: Buffer): { type: SniffedType } | { found: string } {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { type: { mime: 'image/jpeg', label: 'a JPEG image' } };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: { mime: 'image/png', label: 'a PNG image' } };
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return { type: { mime: 'image/webp', label: 'a WebP image' } };
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return { type: { mime: 'image/gif', label: 'a GIF image' } };
  if (startsWith(head, ascii('ftyp'), 4) && heicBrands.has(head.toString('latin1', 8, 12))) return { type: { mime: 'image/heic', label: 'a HEIC image' } };
  if (startsWith(head, ascii('%PDF-'))) return { type: { mime: 'application/pdf', label: 'a PDF document' } };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    const office = officeType(head);
    return office ? { type: office } : { found: 'a ZIP archive that is not a Word, Excel or PowerPoint file' };
  }
  if (startsWith(head, [0x4d, 0x5a])) return { found: 'a Windows program' };
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return { found: 'a Linux program' };
  if (head.length > 0 && isPlainText(head)) return { type: { mime: 'text/plain', label: 'plain text' } };
  return { found: 'a file of a type that is not accepted (not an image, PDF, Office document or plain text)' };
}

/** Whether `mime` matches one of `accept` ("image/*", "application/pdf"). */
export function typeAccepted(mime: string, accept: readonly string[]): boolean {
  return accept.some((allowed) => allowed === mime || (allowed.endsWith('/*') && mime.startsWith(allowed.slice(0, -1))));
}
