// What an image's first bytes say about its type and size, read without a decoder. sharp reads most
// heads itself, but not all of them: libvips' WebP loader wants the whole file, its PNG loader wants
// the chunk after IHDR, and its TIFF loader the directory (often at the end). The pixel limit must hold
// for those too, so their sizes are read here from the fixed places their formats keep them.

/** The raster formats the images plugin makes renditions of (what the prebuilt libvips here decodes). */
export type ProcessedImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif';

/** Stored pixels across and down, as the header states them (before any EXIF orientation). */
export interface HeaderDimensions {
  width: number;
  height: number;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// HEIF brands whose images are HEVC (HEIC) or that say only "some HEIF": libvips here has no HEVC decoder.
const heifBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);
const avifBrands = new Set(['avif', 'avis']);
// JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are not frames.
const jpegFrameMarkers = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function startsWith(head: Buffer, expected: readonly number[] | string, at = 0): boolean {
  const bytes = typeof expected === 'string' ? Buffer.from(expected, 'latin1') : Buffer.from(expected);
  return head.length >= at + bytes.length && head.subarray(at, at + bytes.length).equals(bytes);
}

/** The brands of an ISO BMFF `ftyp` box (major first), or null when the head does not start with one. */
function fileTypeBrands(head: Buffer): string[] | null {
  if (!startsWith(head, 'ftyp', 4) || head.length < 16) return null;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [head.toString('latin1', 8, 12)];
  for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(head.toString('latin1', at, at + 4));
  return brands;
}

/**
 * The format an image's signature names: one the plugin processes, 'heic' for HEIF images other than
 * AVIF (which it does not), or null for anything else (text, SVG, PDF, video, unknown bytes).
 */
export function imageFormatOf(head: Buffer): ProcessedImageFormat | 'heic' | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, pngSignature)) return 'png';
  if (startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8)) return 'webp';
  if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return 'gif';
  if (startsWith(head, 'II*\0') || startsWith(head, 'MM\0*')) return 'tiff';
  const brands = fileTypeBrands(head);
  if (brands?.some((brand) => avifBrands.has(brand))) return 'avif';
  if (brands?.some((brand) => heifBrands.has(brand))) return 'heic';
  return null;
}

const sized = (width: number, height: number): HeaderDimensions | null => (width > 0 && height > 0 ? { width, height } : null);

/** PNG: IHDR is always the first chunk, its width and height the first 8 bytes of its data. */
function pngDimensions(head: Buffer): HeaderDimensions | null {
  if (head.length < 24 || !startsWith(head, 'IHDR', 12)) return null;
  return sized(head.readUInt32BE(16), head.readUInt32BE(20));
}

/** GIF: the logical screen size follows the 6-byte signature (the canvas every frame is drawn on). */
function gifDimensions(head: Buffer): HeaderDimensions | null {
  return head.length < 10 ? null : sized(head.readUInt16LE(6), head.readUInt16LE(8));
}

/** WebP: the first chunk after the RIFF header is VP8X (extended: the canvas), VP8 (lossy) or VP8L (lossless). */
function webpDimensions(head: Buffer): HeaderDimensions | null {
  if (head.length < 30) return null;
  if (startsWith(head, 'VP8X', 12)) return sized(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
  if (startsWith(head, 'VP8 ', 12) && startsWith(head, [0x9d, 0x01, 0x2a], 23)) {
    return sized(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
  }
  if (startsWith(head, 'VP8L', 12) && head[20] === 0x2f) {
    const bits = head.readUInt32LE(21);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  return null;
}

/** JPEG: walks the marker segments to the start-of-frame, which holds height then width. */
function jpegDimensions(head: Buffer): HeaderDimensions | null {
  let at = 2;
  while (at + 4 <= head.length) {
    if (head[at] !== 0xff) return null;
    const marker = head[at + 1]!;
    // 0xFF may pad between segments; standalone markers (TEM, RSTn) have no length.
    if (marker === 0xff) { at += 1; continue; }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; }
    // Image data (SOS) or the end (EOI) before any frame: a frame was never declared.
    if (marker === 0xda || marker === 0xd9) return null;
    if (jpegFrameMarkers.has(marker)) return at + 9 <= head.length ? sized(head.readUInt16BE(at + 7), head.readUInt16BE(at + 5)) : null;
    at += 2 + head.readUInt16BE(at + 2);
  }
  return null;
}

/**
 * The stored size an image's header states, or null when the head does not reach it or the format keeps
 * it in no fixed place (TIFF keeps it in a directory that may be anywhere; AVIF deep inside its boxes).
 */
export function dimensionsFromHeader(head: Buffer, format: ProcessedImageFormat): HeaderDimensions | null {
  switch (format) {
    case 'png': return pngDimensions(head);
    case 'gif': return gifDimensions(head);
    case 'webp': return webpDimensions(head);
    case 'jpeg': return jpegDimensions(head);
    case 'tiff':
    case 'avif': return null;
  }
}
