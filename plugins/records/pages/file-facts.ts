// How the record pages tell people about files: sizes as they say them ("2.4 MB"), types by name
// ("a PDF document" -> "PDF"), a field's limits in a sentence, and a photo's place as coordinates.
import { maxFilesOf } from '../services/field-value.ts';
import type { TemplateField } from '../services/template-types.ts';

const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** A size as people read it, in steps of 1024 as most file managers count: "812 bytes", "2.4 MB", "200 MB". */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // One decimal below 10 ("2.4 MB", "8.0 MB"), whole numbers above ("12 MB", "200 MB").
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value).toString()} ${units[unit]}`;
}

const typeNames: Record<string, string> = {
  'image/jpeg': 'JPEG image', 'image/png': 'PNG image', 'image/webp': 'WebP image', 'image/gif': 'GIF image', 'image/heic': 'HEIC image', 'image/*': 'images',
  'application/pdf': 'PDF', 'text/plain': 'plain text',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
};

/** What people call a file type: "PDF", "JPEG image"; an unknown one by its MIME type. */
export const typeName = (mime: string): string => typeNames[mime] ?? mime;

/** The types a file field takes when its template names none: what the server recognises by its first bytes (sniffed-type.ts). */
const anyAcceptedFile = ['image/*', 'application/pdf', 'text/plain', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'];

/** The `accept` attribute of a photo or file field's file input (the picker offers these; the server checks the bytes anyway). */
export function acceptOf(field: TemplateField): string {
  if (field.type === 'photo') return 'image/*';
  return (field.accept ?? anyAcceptedFile).join(',');
}

/** A photo or file field's limits in a sentence, for the help beside its file input. */
export function uploadLimits(field: TemplateField, maxFileBytes: number): string {
  const photo = field.type === 'photo';
  const size = humanSize(maxFileBytes);
  const types = photo ? '' : ` (${(field.accept ?? ['image/*', 'application/pdf', 'text/plain', 'Word', 'Excel', 'PowerPoint']).map((type) => typeNames[type] ?? type).join(', ')})`;
  const most = maxFilesOf(field);
  if (most === 1) return `One ${photo ? 'photo' : 'file'}${types} of at most ${size}; choosing another replaces it.`;
  return `Up to ${most} ${photo ? 'photos' : 'files'}${types}, each at most ${size}.`;
}

/** A place as coordinates and a geo: URI (RFC 5870) that a phone opens in its maps app; nothing is loaded from the web. */
export function placeOf(latitude: number | null, longitude: number | null): { text: string; geo: string } | null {
  if (latitude === null || longitude === null) return null;
  return { text: `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`, geo: `geo:${latitude},${longitude}` };
}
