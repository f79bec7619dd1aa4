// The image processor provider: what turns a stored photo into the small renditions people look at.
// Core declares the shape; the images plugin provides it as the service `images.processor`, and a
// plugin that shows photos asks for it only when that service is registered.

/** What an image's first bytes say (read at upload time, before anything is stored). */
export interface ImageFacts {
  /** Pixels across and down as the photo is meant to be seen (after its EXIF orientation); null when the head did not say. */
  width: number | null;
  height: number | null;
  /** Capture time from EXIF, epoch milliseconds (UTC), or null. */
  takenAt: number | null;
  /** Where it was taken (EXIF GPS, WGS 84 degrees), or null. */
  location: { lat: number; lon: number } | null;
}

/** The renditions made of every image: a small one for lists and a large one to look at. */
export const imageVariantKinds = ['thumbnail', 'preview'] as const;
export type ImageVariantKind = (typeof imageVariantKinds)[number];

/** A rendition, stored encrypted like any blob (a blob derived from the original; its size and hash are the blob's). */
export interface ImageVariant {
  kind: ImageVariantKind;
  blobId: string;
  mime: string;
  width: number;
  height: number;
}

/** A rendition of a stored image, or where its making stands. */
export type ImageVariantLookup =
  | { state: 'ready'; variant: ImageVariant }
  | { state: 'pending' }
  | { state: 'failed'; reason: string }
  | { state: 'none' };

/** The service `images.processor`. */
export interface ImageProcessor {
  /** How many leading bytes inspect() wants to see (a phone JPEG's EXIF and frame header lie within them). */
  readonly headBytes: number;
  /** Whether it makes renditions of images of this type (what the server's image library reads). */
  processes(mime: string): boolean;
  /**
   * Reads an image's facts from its first bytes. Throws a 422 AppError for an image over the pixel
   * limit (a decompression bomb included); null for a type it does not process.
   */
  inspect(head: Buffer, mime: string): Promise<ImageFacts | null>;
  /**
   * Makes the renditions of a stored image blob of the tenant: before it resolves when the image is
   * small, otherwise in the background (variant() says pending until then). A type it does not process
   * is left alone.
   */
  makeVariants(tenantId: string, image: { blobId: string; mime: string; size: number }): Promise<void>;
  /** A rendition of the image blob, or where its making stands. */
  variant(tenantId: string, blobId: string, kind: ImageVariantKind): Promise<ImageVariantLookup>;
}
