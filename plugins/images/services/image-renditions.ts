import sharp, { type OutputInfo } from 'sharp';

/** One made rendition: its bytes, type and size in pixels. */
export interface Rendition {
  data: Buffer;
  mime: 'image/webp';
  width: number;
  height: number;
}

/** How renditions are made. */
export interface RenditionOptions {
  /** More pixels than this refuses the image (a decompression bomb) before it is decoded. */
  maxPixels?: number;
  /** The longer side of the thumbnail and the preview (never enlarged). */
  thumbnailSize?: number;
  previewSize?: number;
  /** WebP quality, 1-100. */
  quality?: number;
}

/** An image the renditions cannot be made of; the message says why, for the person who uploaded it. */
export class ImageRenditionError extends Error {
  override readonly name = 'ImageRenditionError';
}

const defaults = { maxPixels: 40_000_000, thumbnailSize: 320, previewSize: 1600, quality: 80 };
// Effort 2 of 6: a third of the default's time for a file a few per cent larger.
const webpEffort = 2;

/** The sentence for what sharp said about a bad image. */
function refusal(error: unknown): ImageRenditionError {
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) return new ImageRenditionError('The image has more pixels than this server makes previews of; the original is kept and can be downloaded.');
  return new ImageRenditionError(`The image could not be read to make its preview (${message.split('\n')[0]!.slice(0, 200)}); the original is kept and can be downloaded.`);
}

/**
 * A photo's preview and thumbnail, WebP, turned upright by its EXIF orientation and stripped of all
 * metadata (EXIF, GPS, XMP; colours converted to sRGB). The original is decoded once, shrunk on load
 * where its format allows (JPEG), to the preview's size; the thumbnail is made from those pixels.
 */
export async function makeImageRenditions(input: Buffer, options: RenditionOptions = {}): Promise<{ thumbnail: Rendition; preview: Rendition }> {
  const { maxPixels, thumbnailSize, previewSize, quality } = { ...defaults, ...options };
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    pixels = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })
      .autoOrient()
      .resize(previewSize, previewSize, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw refusal(error);
  }
  const { width, height, channels } = pixels.info;
  const raw = { raw: { width, height, channels } };
  const [preview, thumbnail] = await Promise.all([
    sharp(pixels.data, raw).webp({ quality, effort: webpEffort }).toBuffer({ resolveWithObject: true }),
    sharp(pixels.data, raw).resize(thumbnailSize, thumbnailSize, { fit: 'inside', withoutEnlargement: true }).webp({ quality, effort: webpEffort }).toBuffer({ resolveWithObject: true }),
  ]);
  const rendition = (made: { data: Buffer; info: OutputInfo }): Rendition => ({ data: made.data, mime: 'image/webp', width: made.info.width, height: made.info.height });
  return { thumbnail: rendition(thumbnail), preview: rendition(preview) };
}

/**
 * The benchmark's baseline: the same two renditions made the plain way, from the photo in memory with
 * two pipelines, same sizes, format and settings, and nothing stored.
 */
export async function bareSharpRenditions(input: Buffer, options: RenditionOptions = {}): Promise<{ thumbnail: Buffer; preview: Buffer }> {
  const { previewSize, thumbnailSize, quality } = { ...defaults, ...options };
  const make = (size: number): Promise<Buffer> => sharp(input).autoOrient().resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality, effort: webpEffort }).toBuffer();
  const [preview, thumbnail] = await Promise.all([make(previewSize), make(thumbnailSize)]);
  return { thumbnail, preview };
}
