import exifReader from 'exif-reader';
import sharp, { type Metadata } from 'sharp';
import { AppError, type ImageFacts } from '../../../core/plugin-api.ts';

/** How much of an upload the inspection reads: a phone JPEG's EXIF (at most 64 KiB) and its frame header lie well within it. */
export const inspectionHeadBytes = 256 * 1024;

type Exif = ReturnType<typeof exifReader>;

/** Orientations 5 to 8 turn the picture a quarter: what is seen is as wide as the stored image is high. */
const turnsQuarter = (orientation: number | undefined): boolean => orientation !== undefined && orientation >= 5 && orientation <= 8;

/** An EXIF time as exif-reader gives it: the wall clock read as if it were UTC (EXIF times carry no zone). */
const wallClockMs = (value: unknown): number | null => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : null);

/** `+02:00` as milliseconds ahead of UTC, or null. */
function offsetMs(value: unknown): number | null {
  const match = typeof value === 'string' ? /^([+-])(\d{2}):(\d{2})$/.exec(value.trim()) : null;
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return minutes > 14 * 60 ? null : (match[1] === '-' ? -1 : 1) * minutes * 60_000;
}

/**
 * When the photo was taken, UTC: DateTimeOriginal (or DateTimeDigitized, or DateTime) with its EXIF
 * offset when the camera wrote one; else the GPS time stamp, which is UTC; else the wall clock read as
 * UTC (cameras without an offset say nothing of their zone; shown as it was on the camera).
 */
function captureTime(exif: Exif): number | null {
  const photo = exif.Photo ?? {};
  const candidates: Array<[unknown, unknown]> = [
    [photo.DateTimeOriginal, photo.OffsetTimeOriginal ?? photo.OffsetTime],
    [photo.DateTimeDigitized, photo.OffsetTimeDigitized ?? photo.OffsetTime],
    [exif.Image?.DateTime, photo.OffsetTime],
  ];
  for (const [time, offset] of candidates) {
    const wall = wallClockMs(time);
    if (wall === null) continue;
    const ahead = offsetMs(offset);
    if (ahead !== null) return wall - ahead;
    const gps = gpsTime(exif);
    return gps ?? wall;
  }
  return gpsTime(exif);
}

/** GPSDateStamp + GPSTimeStamp (UTC), or null. */
function gpsTime(exif: Exif): number | null {
  const gps = exif.GPSInfo;
  const day = typeof gps?.GPSDateStamp === 'string' ? /^(\d{4}):(\d{2}):(\d{2})$/.exec(gps.GPSDateStamp.trim()) : null;
  const date = day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : null;
  const time = gps?.GPSTimeStamp;
  if (date === null || Number.isNaN(date) || !Array.isArray(time) || time.length !== 3 || !time.every((n) => Number.isFinite(n))) return null;
  const [h, m, s] = time as number[];
  return date + ((h! * 60 + m!) * 60 + s!) * 1000;
}

/** Degrees, minutes and seconds with their hemisphere as signed decimal degrees, or null. */
function degrees(value: unknown, reference: unknown, positive: string, negative: string, limit: number): number | null {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) return null;
  const [d, m, s] = value as number[];
  const magnitude = d! + m! / 60 + s! / 3600;
  const sign = reference === negative ? -1 : reference === positive ? 1 : null;
  if (sign === null || magnitude > limit) return null;
  return Math.round(sign * magnitude * 1e7) / 1e7;
}

/** Where the photo was taken (WGS 84), or null: a camera without a fix often writes 0,0, which is not a place anyone photographs a site. */
function captureLocation(exif: Exif): ImageFacts['location'] {
  const gps = exif.GPSInfo;
  const lat = degrees(gps?.GPSLatitude, gps?.GPSLatitudeRef, 'N', 'S', 90);
  const lon = degrees(gps?.GPSLongitude, gps?.GPSLongitudeRef, 'E', 'W', 180);
  if (lat === null || lon === null || (lat === 0 && lon === 0)) return null;
  return { lat, lon };
}

/** The EXIF facts, or none when the block is missing or damaged (a damaged block never refuses the photo). */
function exifFacts(block: Buffer | undefined): Pick<ImageFacts, 'takenAt' | 'location'> {
  if (!block) return { takenAt: null, location: null };
  try {
    const exif = exifReader(block);
    return { takenAt: captureTime(exif), location: captureLocation(exif) };
  } catch {
    return { takenAt: null, location: null };
  }
}

/** The types whose header sharp reads here (the prebuilt libvips decodes AVIF but not HEIC). */
const readTypes = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif']);

/**
 * An upload's facts from its first bytes (`head`, perhaps cut off mid-file): size as seen, capture
 * time and place. Refuses an image over `maxPixels` from its header alone (a decompression bomb
 * claims billions of pixels in a few bytes) and bytes that claim an image type but are not one.
 * Null for a type it does not read.
 */
export async function inspectImageHead(head: Buffer, mime: string, limits: { maxPixels: number }): Promise<ImageFacts | null> {
  if (!readTypes.has(mime)) return null;
  let metadata: Metadata;
  try {
    // The header is all metadata() reads; a head cut off after it is fine.
    metadata = await sharp(head, { failOn: 'none', limitInputPixels: false }).metadata();
  } catch (error) {
    const message = (error as Error).message;
    // A head that ends before the frame header says nothing of the size: the full decode checks it later.
    if (head.length >= inspectionHeadBytes && /premature end|truncated|unexpected end/i.test(message)) return { width: null, height: null, ...exifFacts(undefined) };
    throw new AppError(422, 'image_unreadable', `The file starts like a ${mime.slice(6).toUpperCase()} image but cannot be read as one: it may be damaged. Take or export the photo again.`, { details: { mime } });
  }
  const { width, height } = metadata;
  if (width !== undefined && height !== undefined && width * height > limits.maxPixels) {
    const megapixels = (n: number): string => `${(n / 1_000_000).toLocaleString('en', { maximumFractionDigits: 1 })} MP`;
    throw new AppError(422, 'image_too_large', `The image is ${width} x ${height} pixels (${megapixels(width * height)}), more than the ${megapixels(limits.maxPixels)} this server accepts: send a smaller version of it.`, {
      details: { width, height, maxPixels: limits.maxPixels },
    });
  }
  const quarter = turnsQuarter(metadata.orientation);
  return {
    width: (quarter ? height : width) ?? null, height: (quarter ? width : height) ?? null,
    ...exifFacts(metadata.exif),
  };
}
