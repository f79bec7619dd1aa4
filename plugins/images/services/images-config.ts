import { z } from 'zod';

/** The images plugin's settings (`plugins.config.images`); every one has a default that suits a phone photo. */
export const imagesConfigSchema = z.object({
  /** Images with more pixels are refused at upload (a decompression bomb claims billions). */
  maxPixels: z.number().int().positive().default(40_000_000),
  /** The longer side of a thumbnail and of a preview, in pixels (never enlarged). */
  thumbnailSize: z.number().int().min(32).max(1024).default(320),
  previewSize: z.number().int().min(256).max(4096).default(1600),
  /** Images made at once in this process: sharp uses one thread each here, so about the number of cores. */
  concurrency: z.number().int().min(1).max(16).default(2),
  /** Photos up to this size get their renditions before the upload answers; larger ones in the background. */
  inlineMaxBytes: z.number().int().min(0).default(2 * 1024 * 1024),
  /** Originals larger than this get no renditions (they stay downloadable). */
  maxSourceBytes: z.number().int().positive().default(128 * 1024 * 1024),
}).strict();

export type ImagesConfig = z.infer<typeof imagesConfigSchema>;
