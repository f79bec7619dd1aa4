// When and where a photo was taken, from its EXIF (read with exif-reader). EXIF comes from cameras,
// phones and editors of every quality and from anyone who wants to upset a parser, so nothing here
// trusts a value's type or range: what does not make sense is left out, and nothing throws.
import exifReader from 'exif-reader';

type Tags = Readonly<Record<string, unknown>>;

/** The EXIF directories the facts come from, each value of unknown type (exif-reader passes on what the file says). */
export interface ExifTags {
  Image?: Tags | null;
  Photo?: Tags | null;
  GPSInfo?: Tags | null;
}

/** When and where, as far as the EXIF says it sensibly; nulls otherwise. */
export interface ExifFacts {
  takenAt: number | null;
  location: { lat: number; lon: number } | null;
}

const noFacts: ExifFacts = { takenAt: null, location: null };

// Capture times outside these years are an unset or broken camera clock. exif-reader turns
// "0000:00:00 00:00:00" (what many cameras write when unset) into 30 November 1899.
const earliestCapture = Date.UTC(1900, 0, 1);
const latestCapture = Date.UTC(2100, 0, 1);

// Where the capture time is, best first, each with its own offset tag (EXIF 2.31). OffsetTime (the
// offset of DateTime) stands in when the matching one is missing: a camera writes them all in one zone.
const wallClocks = [
  { date: 'DateTimeOriginal', offset: 'OffsetTimeOriginal', ifd: 'Photo' },
  { date: 'DateTimeDigitized', offset: 'OffsetTimeDigitized', ifd: 'Photo' },
  { date: 'DateTime', offset: 'OffsetTime', ifd: 'Image' },
] as const;

/** Parses raw EXIF bytes (as sharp's metadata().exif gives them: "Exif\0\0" then TIFF); null when they are unreadable. */
export function readExif(raw: Buffer | undefined): ExifTags | null {
  if (!raw || raw.length === 0) return null;
  try {
    const parsed: unknown = exifReader(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as ExifTags) : null;
  } catch {
    return null;
  }
}

const plausibleTime = (time: number): number | null => (Number.isFinite(time) && time >= earliestCapture && time < latestCapture ? time : null);

/** exif-reader gives the wall clock as a Date whose UTC fields are the clock's reading (or null when unparseable). */
function wallClockOf(value: unknown): number | null {
  return value instanceof Date ? plausibleTime(value.getTime()) : null;
}

/** "+03:00" (also "+0300") as minutes east of UTC, or null when absent or not an offset. */
export function offsetMinutesOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [, sign, hours, minutes] = match;
  if (Number(hours) > 14 || Number(minutes) > 59) return null;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** GPSDateStamp ("2024:05:06") and GPSTimeStamp ([h, m, s]) as epoch milliseconds: GPS time is UTC. */
export function gpsTimeOf(gps: Tags | null | undefined): number | null {
  const date = gps?.GPSDateStamp;
  const time = gps?.GPSTimeStamp;
  if (typeof date !== 'string' || !Array.isArray(time) || time.length !== 3 || !time.every(isNumber)) return null;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})$/.exec(date.trim());
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const [hours, minutes, seconds] = time as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || hours < 0 || hours >= 24 || minutes < 0 || minutes >= 60 || seconds < 0 || seconds >= 61) return null;
  const midnight = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 31 April over into May: a day the month does not have is nonsense.
  if (new Date(midnight).getUTCDate() !== day) return null;
  return plausibleTime(midnight + Math.round(((hours * 60 + minutes) * 60 + seconds) * 1000));
}

/**
 * The capture time in epoch milliseconds (UTC): DateTimeOriginal, else DateTimeDigitized, else DateTime,
 * made UTC by its offset tag. Without an offset, the GPS date and time (UTC by definition) are used
 * when the photo has them. Otherwise the wall clock is read as if it were UTC: the zone the camera was
 * set to is unknown, and reading it as UTC keeps the time people saw on the camera (shown in UTC) rather
 * than shifting it by the server's zone, which has nothing to do with where the photo was taken. Such a
 * time may be off by the photo's UTC offset (up to 14 hours). With no usable time at all, the GPS time
 * alone, else null.
 */
export function captureTimeOf(exif: ExifTags): number | null {
  for (const clock of wallClocks) {
    const wallClock = wallClockOf(exif[clock.ifd]?.[clock.date]);
    if (wallClock === null) continue;
    const offset = offsetMinutesOf(exif.Photo?.[clock.offset]) ?? offsetMinutesOf(exif.Photo?.OffsetTime);
    if (offset !== null) return plausibleTime(wallClock - offset * 60_000);
    return gpsTimeOf(exif.GPSInfo) ?? wallClock;
  }
  return gpsTimeOf(exif.GPSInfo);
}

/** Degrees, minutes and seconds (three rationals, as EXIF requires) and N/S or E/W as signed decimal degrees. */
function signedDegrees(value: unknown, ref: unknown, positive: string, negative: string, limit: number): number | null {
  if (!Array.isArray(value) || value.length !== 3 || !value.every(isNumber)) return null;
  const [degrees, minutes, seconds] = value as [number, number, number];
  if (degrees < 0 || minutes < 0 || minutes >= 60 || seconds < 0 || seconds >= 60) return null;
  const magnitude = degrees + minutes / 60 + seconds / 3600;
  if (magnitude > limit) return null;
  const hemisphere = typeof ref === 'string' ? ref.trim().toUpperCase() : '';
  // A missing or odd hemisphere would put the photo on the wrong side of the world: no location then.
  const sign = hemisphere === positive ? 1 : hemisphere === negative ? -1 : 0;
  if (sign === 0) return null;
  // 7 decimals is about a centimetre: more digits are only the noise of the sums above.
  return sign * (Math.round(magnitude * 1e7) / 1e7);
}

/**
 * Where the photo was taken, in WGS 84 decimal degrees (north and east positive), or null when the GPS
 * tags are missing, not numbers (a 0/0 rational is NaN), out of range, or exactly 0,0 (what a camera
 * writes when it has no fix: a real photo at the exact point in the Gulf of Guinea is unlikely).
 */
export function locationOf(exif: ExifTags): { lat: number; lon: number } | null {
  const gps = exif.GPSInfo;
  if (!gps) return null;
  const lat = signedDegrees(gps.GPSLatitude, gps.GPSLatitudeRef, 'N', 'S', 90);
  const lon = signedDegrees(gps.GPSLongitude, gps.GPSLongitudeRef, 'E', 'W', 180);
  if (lat === null || lon === null || (lat === 0 && lon === 0)) return null;
  return { lat: lat === 0 ? 0 : lat, lon: lon === 0 ? 0 : lon };
}

/** The capture time and location in raw EXIF bytes; nulls when there are none or they cannot be read. */
export function exifFactsOf(raw: Buffer | undefined): ExifFacts {
  const exif = readExif(raw);
  if (!exif) return noFacts;
  // The readers above check every value's type; this catch keeps the promise that EXIF, however
  // corrupt, never costs the image its other facts.
  try {
    return { takenAt: captureTimeOf(exif), location: locationOf(exif) };
  } catch {
    return noFacts;
  }
}
