// The upload-time look at an image: its size as people will see it, when and where it was taken, and
// the decompression-bomb guard, all from the first bytes of the upload before anything is stored or
// decoded. Reading a header costs well under a millisecond; decoding is for the renditions, later.
import sharp, { type FormatEnum, type Metadata } from 'sharp';
import { AppError, type ImageFacts } from '../../../core/plugin-api.ts';
import { exifFactsOf } from './exif-facts.ts';
import { dimensionsFromHeader, imageFormatOf, type HeaderDimensions, type ProcessedImageFormat } from './image-header.ts';
import { megapixels } from './image-limits.ts';

/**
 * How many leading bytes of an upload inspectImageHead() wants. A JPEG's EXIF (APP1) is at most 64 KiB
 * and its frame header follows it; 256 KiB leaves room for the extra APP segments phones add (XMP,
 * ICC profiles, maker notes) before the frame header.
 */
export const inspectionHeadBytes = 256 * 1024;

/** The declared types whose images the plugin reads; anything else (HEIC/HEIF, SVG, PDF, ...) it leaves alone. */
export const processedImageTypes: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif']);

const sharpFormats: Record<ProcessedImageFormat, keyof FormatEnum> = { jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', avif: 'heif' };

/** sharp's reading of the head, or null when it cannot make sense of one this short. */
async function sharpMetadataOf(head: Buffer): Promise<Metadata | null> {
  try {
    // The head is cut off mid-file by design: no level of truncation may abort the header read.
    return await sharp(head, { failOn: 'none' }).metadata();
  } catch {
    return null;
  }
}

const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Width and height as displayed: EXIF orientations 5 to 8 turn the stored image a quarter turn. */
function displayedSize(metadata: Metadata): HeaderDimensions | null {
  if (!isSize(metadata.width) || !isSize(metadata.height)) return null;
  const quarterTurn = metadata.orientation !== undefined && metadata.orientation >= 5 && metadata.orientation <= 8;
  return quarterTurn ? { width: metadata.height, height: metadata.width } : { width: metadata.width, height: metadata.height };
}

function refuseOverLimit({ width, height }: HeaderDimensions, maxPixels: number): void {
  const pixels = width * height;
  if (pixels <= maxPixels) return;
  throw new AppError(
    422,
    'image_too_large',
    `The image is ${width} × ${height} pixels (${megapixels(pixels, 'up')}), more than the ${megapixels(maxPixels, 'down')} this server accepts: scale it down or export a smaller size, and upload it again.`,
    { details: { width, height, pixels, maxPixels } },
  );
}

function unreadable(mime: string): AppError {
  return new AppError(
    422,
    'image_unreadable',
    `The file was sent as ${mime}, but it is not an image that can be read: check that it opens on your device (or save it again as JPEG or PNG) and upload it again.`,
    { details: { mime } },
  );
}

/**
 * Reads an image's facts from the first bytes of its upload (`head`: up to inspectionHeadBytes, maybe
 * cut off mid-file). Returns null for a type the plugin does not process (by `mime`, or HEIC content
 * under an image type). Throws a 422 AppError `image_too_large` when the header claims more than
 * `limits.maxPixels` pixels, and `image_unreadable` when the bytes are not an image of a processed
 * format at all. Width and height are null when the head does not reach them (and as stored, without
 * the EXIF orientation, in the rare head sharp cannot read but the format's own header tells); EXIF
 * that is missing or corrupt only leaves the capture time and location null.
 */
export async function inspectImageHead(head: Buffer, mime: string, limits: { maxPixels: number }): Promise<ImageFacts | null> {
  const type = mime.split(';')[0]!.trim().toLowerCase();
  if (!processedImageTypes.has(type)) return null;
  const format = imageFormatOf(head);
  // A HEIC sent as image/jpeg happens (phones and apps that rename): still a type not processed here.
  if (format === 'heic') return null;
  if (format === null) throw unreadable(type);
  const metadata = await sharpMetadataOf(head);
  // sharp tells formats by their bytes too; should it disagree with the signature, trust neither.
  if (metadata && metadata.format !== sharpFormats[format]) throw unreadable(type);
  if (metadata?.compression === 'hevc') return null;
  const size = (metadata ? displayedSize(metadata) : null) ?? dimensionsFromHeader(head, format);
  if (size) refuseOverLimit(size, limits.maxPixels);
  const { takenAt, location } = exifFactsOf(metadata?.exif);
  return { width: size?.width ?? null, height: size?.height ?? null, takenAt, location };
}
