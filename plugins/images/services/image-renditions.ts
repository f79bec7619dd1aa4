// The two renditions of every image, made with sharp: a thumbnail for lists and a preview to look at.
//
// How, and why (measured here on the 12 MP, 3.6 MiB photo-like JPEG of the tests, sharp 0.35.5, one
// libvips thread; CPU milliseconds):
// - The original is decoded once. The preview's pixels come out raw and both renditions are encoded
//   from them, the thumbnail after a second resize of those pixels (~5 ms). Decoding the JPEG again for
//   the thumbnail (the straightforward way, bareSharpRenditions below) costs ~39 ms even with the 1/8
//   shrink-on-load, since the whole file must still be entropy-decoded. A thumbnail from the encoded
//   preview instead was no faster, and has the preview's WebP artefacts in it.
// - No JPEG shrink-on-load for the preview: 4000 → 1600 is a 2.5× reduction, and sharp halves its 2×
//   shrink-on-load whenever the whole factor rounds down to 2 (libjpeg rounding), so the full 12 MP is
//   decoded, then reduced with lanczos3 (~178 ms together). Only reductions of 3× and more shrink on load.
// - WebP at effort 2: the preview encodes in ~79 ms instead of ~172 ms at sharp's default effort 4, for
//   ~7 % more bytes (206 vs 193 KiB). JPEG would encode in ~14 ms but at 267 KiB (+30 %): previews are
//   looked at over phone networks, so WebP.
// - Auto-orientation happens after the resize (sharp does so when it can), on the small image.
// - Nothing of the original's metadata is written: sharp keeps none unless told (no EXIF, GPS, XMP,
//   ICC), and converts to sRGB (using the embedded ICC profile, if any).
// Whole function: 272 ms median vs 302 ms for bareSharpRenditions (bench/scenarios/image-renditions-baseline.ts).
//
// sharp's own thread pool: set sharp.concurrency(1) once at boot (already sharp's default on glibc Linux
// without jemalloc, as here; elsewhere it defaults to the number of cores), and run about one image per
// core through ProcessingSlots: two images on two cores, each on its own thread, none fighting for one.
import sharp, { type Channels, type OutputInfo, type ResizeOptions, type Sharp, type WebpOptions } from 'sharp';
import { imageFormatOf } from './image-header.ts';
import { defaultMaxImagePixels, megapixels } from './image-limits.ts';

/** One rendition: encoded bytes and their size in pixels. */
export interface Rendition {
  data: Buffer;
  mime: 'image/webp' | 'image/jpeg';
  width: number;
  height: number;
}

/** The renditions made of every image. */
export interface ImageRenditions {
  thumbnail: Rendition;
  preview: Rendition;
}

/** How renditions are made; every field has a default. */
export interface ImageRenditionOptions {
  /** The largest input, width × height: larger ones are refused before decoding (default 40 MP). */
  maxPixels?: number;
  /** The thumbnail fits inside this square, in pixels (default 320). */
  thumbnailSize?: number;
  /** The preview fits inside this square, in pixels (default 1600). */
  previewSize?: number;
  /** WebP quality, 1 to 100 (default 80). */
  quality?: number;
}

/** The defaults of ImageRenditionOptions. */
export const defaultRenditionOptions: Readonly<Required<ImageRenditionOptions>> = Object.freeze({
  maxPixels: defaultMaxImagePixels,
  thumbnailSize: 320,
  previewSize: 1600,
  quality: 80,
});

/** Why an image got no renditions. */
export type ImageRenditionFailure = 'image_too_large' | 'image_unreadable' | 'image_type_not_processed' | 'rendition_not_written';

/** The renditions of an image could not be made; the message is a sentence for the person who uploaded it. */
export class ImageRenditionError extends Error {
  readonly reason: ImageRenditionFailure;
  readonly details: Record<string, unknown>;

  constructor(reason: ImageRenditionFailure, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ImageRenditionError';
    this.reason = reason;
    this.details = options.details ?? {};
  }
}

// WebP's largest side is 16383 pixels.
const largestSide = 16_383;
const keptAsUploaded = 'the original file is kept as it was uploaded';
const readable = 'JPEG, PNG, WebP, GIF, TIFF and AVIF';

/** The WebP settings of both renditions (shared with bareSharpRenditions so the benchmark compares like with like). */
export const renditionWebpOptions = (quality: number): WebpOptions => ({ quality, effort: 2 });

const inside = (size: number): ResizeOptions => ({ width: size, height: size, fit: 'inside', withoutEnlargement: true });

function settingsOf(options: ImageRenditionOptions): Required<ImageRenditionOptions> {
  // An option given as undefined takes its default, like one left out.
  const settings = {
    maxPixels: options.maxPixels ?? defaultRenditionOptions.maxPixels,
    thumbnailSize: options.thumbnailSize ?? defaultRenditionOptions.thumbnailSize,
    previewSize: options.previewSize ?? defaultRenditionOptions.previewSize,
    quality: options.quality ?? defaultRenditionOptions.quality,
  };
  const whole = (name: keyof ImageRenditionOptions, low: number, high: number): void => {
    const value = settings[name];
    if (!Number.isInteger(value) || value < low || value > high) throw new RangeError(`makeImageRenditions(): ${name} must be a whole number from ${low} to ${high}, not ${String(value)}.`);
  };
  whole('maxPixels', 1, Number.MAX_SAFE_INTEGER);
  whole('thumbnailSize', 1, largestSide);
  whole('previewSize', 1, largestSide);
  whole('quality', 1, 100);
  return settings;
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/** What a failed decode means for the person who uploaded the image. */
function decodeFailure(error: unknown, maxPixels: number): ImageRenditionError {
  const said = firstLine(error);
  if (/pixel limit/i.test(said)) {
    return new ImageRenditionError('image_too_large', `The image is larger than the ${megapixels(maxPixels, 'down')} this server makes previews of, so it has none; ${keptAsUploaded}. To get previews, scale it down or export a smaller size and upload that.`, { details: { maxPixels, sharp: said }, cause: error });
  }
  return new ImageRenditionError('image_unreadable', `The image could not be decoded, so it has no previews (it is damaged, cut short, or not the type of image it claims to be); ${keptAsUploaded}. Check that it opens on your device and upload it again.`, { details: { sharp: said }, cause: error });
}

async function encoded(pipeline: Sharp, quality: number): Promise<Rendition> {
  const { data, info } = await pipeline.webp(renditionWebpOptions(quality)).toBuffer({ resolveWithObject: true });
  return { data, mime: 'image/webp', width: info.width, height: info.height };
}

/**
 * Makes the thumbnail and preview of an image: auto-oriented from its EXIF, fitted inside
 * thumbnailSize and previewSize squares without enlarging, WebP, sRGB, no metadata. The thumbnail is
 * made from the preview's pixels, so it is never larger than the preview. Rejects with an
 * ImageRenditionError: `image_type_not_processed` (HEIC), `image_too_large` (over maxPixels, refused
 * from the header before any decoding), `image_unreadable` (not JPEG, PNG, WebP, GIF, TIFF or AVIF, SVG
 * included, or damaged or cut off; libjpeg's warnings, as a slightly broken phone JPEG gives, are let
 * through), or `rendition_not_written`.
 */
export async function makeImageRenditions(input: Buffer, options: ImageRenditionOptions = {}): Promise<ImageRenditions> {
  const { maxPixels, thumbnailSize, previewSize, quality } = settingsOf(options);
  // sharp itself would also rasterise SVG (librsvg) and more; only the raster formats are made into renditions.
  const format = imageFormatOf(input);
  if (format === 'heic') {
    throw new ImageRenditionError('image_type_not_processed', `The file is a HEIC image, which this server cannot decode (it reads ${readable}), so it has no previews; ${keptAsUploaded}. To get previews, save it as JPEG and upload that.`, { details: { format } });
  }
  if (format === null) {
    throw new ImageRenditionError('image_unreadable', `The file is not an image this server can read (${readable}), so it has no previews; ${keptAsUploaded}. Check that it is the photo you meant, or save it as JPEG, and upload it again.`, { details: { format } });
  }
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'error': cut-off files and decoding errors fail, libjpeg's warnings (a corrupt stretch of
    // data, extraneous bytes, as phones and transfers leave) do not; 'warning' (sharp's default)
    // refuses such photos, and 'none' renders a bare JPEG header as a grey picture.
    pixels = await sharp(input, { failOn: 'error', limitInputPixels: maxPixels }).autoOrient().resize(inside(previewSize)).raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(error, maxPixels);
  }
  const { data, info } = pixels;
  // sharp's raw output is straight (not premultiplied) alpha, whatever its info says: read it as such.
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels as Channels } };
  try {
    const preview = await encoded(sharp(data, raw), quality);
    const thumbnail = await encoded(sharp(data, raw).resize(inside(thumbnailSize)), quality);
    return { thumbnail, preview };
  } catch (error) {
    throw new ImageRenditionError('rendition_not_written', `The image was read, but its previews could not be written; ${keptAsUploaded}. Try again later, and tell the administrator if it keeps failing.`, { details: { sharp: firstLine(error) }, cause: error });
  }
}

/**
 * The same two renditions the straightforward way, for the benchmark's baseline: one sharp pipeline
 * per rendition from the same buffer (so the original is decoded twice), one after the other, with the
 * same sizes, orientation and WebP settings, and sharp's defaults for everything else.
 */
export async function bareSharpRenditions(input: Buffer): Promise<ImageRenditions> {
  const { previewSize, thumbnailSize, quality } = defaultRenditionOptions;
  const preview = await encoded(sharp(input).autoOrient().resize(inside(previewSize)), quality);
  const thumbnail = await encoded(sharp(input).autoOrient().resize(inside(thumbnailSize)), quality);
  return { thumbnail, preview };
}
