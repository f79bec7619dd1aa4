// The pixel limit every image must keep to before anything decodes it: what stops a decompression bomb
// (a small file whose header claims a vast image) from taking the server's memory.

/**
 * The default largest image, in pixels (width × height): 40 megapixels. A phone's main camera makes
 * 12 to 50 MP; 50 MP and 200 MP modes are rare, and an image that size decodes to 150 MB or more.
 */
export const defaultMaxImagePixels = 40_000_000;

/** A pixel count as megapixels for a sentence, rounded `up` (an image's size) or `down` (a limit) to 2 decimals. */
export function megapixels(pixels: number, rounding: 'up' | 'down'): string {
  const hundredths = rounding === 'up' ? Math.ceil(pixels / 10_000) : Math.floor(pixels / 10_000);
  return `${hundredths / 100} megapixels`;
}
