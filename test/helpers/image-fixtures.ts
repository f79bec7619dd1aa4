// Images for the images plugin's tests and benchmark, made with sharp at test time (nothing is
// downloaded or checked in): photos with EXIF, plain PNG and WebP, a 12 MP photo, decompression-bomb
// headers, damaged files and things that are not images.
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Exif } from 'sharp';

/** The EXIF of a phone photo taken in Helsinki on 6 May 2024 at 07:08:09 local time (+03:00), as sharp's withExif takes it. */
export const phoneExif: Exif = {
  IFD0: { Make: 'Kirjuri Test', Model: 'Phone 1', DateTime: '2024:05:06 07:08:09' },
  IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', DateTimeDigitized: '2024:05:06 07:08:09', OffsetTimeOriginal: '+03:00' },
  // Rationals as libvips parses them: "numerator/denominator", three of them for degrees, minutes, seconds.
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '60/1 10/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '24/1 56/1 1500/100', GPSDateStamp: '2024:05:06', GPSTimeStamp: '4/1 8/1 10/1' },
};

/** phoneExif's capture time (07:08:09 at +03:00) and location (60° 10′ 30″ N, 24° 56′ 15″ E). */
export const phoneExifFacts = { takenAt: Date.UTC(2024, 4, 6, 4, 8, 9), location: { lat: 60.175, lon: 24.9375 } };

/** The colours of sidewaysJpeg's scene. */
export const sceneColours = { top: { r: 220, g: 20, b: 20 }, corner: { r: 20, g: 200, b: 20 }, rest: { r: 20, g: 40, b: 220 } };

const xmpPacket = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Someone</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>';

/**
 * A phone photo held upright but stored sideways, as phones do: 400 × 200 stored pixels with EXIF
 * orientation 6 (turn a quarter clockwise to view), so it is meant to be seen as 200 × 400. Seen
 * upright, its top 60 rows are red with a green 30 × 30 square in the top-right corner (which tells a
 * mirror image apart), the rest blue. Carries `exif` (phoneExif by default) and an XMP packet.
 */
export async function sidewaysJpeg(exif: Exif = phoneExif): Promise<Buffer> {
  // Turning a quarter clockwise brings the stored left edge to the top and the stored top-left
  // corner to the top right: the scene is drawn there.
  return sharp({ create: { width: 400, height: 200, channels: 3, background: sceneColours.rest } })
    .composite([
      { input: { create: { width: 60, height: 200, channels: 3, background: sceneColours.top } }, left: 0, top: 0 },
      { input: { create: { width: 30, height: 30, channels: 3, background: sceneColours.corner } }, left: 0, top: 0 },
    ])
    .withExif(exif)
    .withMetadata({ orientation: 6 })
    .withXmp(xmpPacket)
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A JPEG of `width` × `height` pixels with the given EXIF (no orientation tag unless `orientation`). */
export async function jpegWithExif(exif: Exif, options: { width?: number; height?: number; orientation?: number } = {}): Promise<Buffer> {
  const image = sharp({ create: { width: options.width ?? 120, height: options.height ?? 80, channels: 3, background: { r: 90, g: 120, b: 150 } } }).withExif(exif);
  return (options.orientation ? image.withMetadata({ orientation: options.orientation }) : image).jpeg().toBuffer();
}

/** A plain PNG, an orange-to-purple gradient, without metadata. */
export async function plainPng(width = 300, height = 200): Promise<Buffer> {
  return sharp(gradientPixels(width, height), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A plain lossy WebP, the same gradient. */
export async function plainWebp(width = 300, height = 200): Promise<Buffer> {
  return sharp(gradientPixels(width, height), { raw: { width, height, channels: 3 } }).webp({ quality: 80 }).toBuffer();
}

function gradientPixels(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = (y * width + x) * 3;
      pixels[at] = 255 - Math.round((x / width) * 120);
      pixels[at + 1] = Math.round((y / height) * 160);
      pixels[at + 2] = 40 + Math.round((x / width) * 180);
    }
  }
  return pixels;
}

const photos = new Map<string, Promise<Buffer>>();

/**
 * A photo-like JPEG (quality 90) with phoneExif: a scene of smooth shapes at several scales with sensor
 * grain on top, so it compresses and decodes like a photo (4000 × 3000 is about 3.8 MB). Made once per
 * size and orientation in a process (~1 s for 12 MP), then shared; do not change the buffer.
 */
export function photoLikeJpeg(options: { width?: number; height?: number; orientation?: number } = {}): Promise<Buffer> {
  const { width = 4000, height = 3000, orientation = 1 } = options;
  const key = `${width}x${height}@${orientation}`;
  let photo = photos.get(key);
  if (!photo) {
    photo = makePhotoLikeJpeg(width, height, orientation);
    photos.set(key, photo);
  }
  return photo;
}

async function makePhotoLikeJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  let seed = 0x2545f491;
  const nextRandom = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  // The scene: octaves of value noise (small random grids scaled up smoothly), summed at a quarter of
  // the size and scaled up once, which is much faster than summing them at full size.
  const sceneWidth = Math.ceil(width / 4);
  const sceneHeight = Math.ceil(height / 4);
  const scene = new Float32Array(sceneWidth * sceneHeight * 3);
  for (const [cells, weight] of [[6, 0.4], [24, 0.25], [96, 0.2], [384, 0.15]] as const) {
    const gridWidth = Math.min(cells, sceneWidth);
    const gridHeight = Math.max(1, Math.min(sceneHeight, Math.ceil((cells * height) / width)));
    const grid = Buffer.alloc(gridWidth * gridHeight * 3);
    for (let i = 0; i < grid.length; i += 1) grid[i] = nextRandom() & 0xff;
    const octave = await sharp(grid, { raw: { width: gridWidth, height: gridHeight, channels: 3 } }).resize(sceneWidth, sceneHeight, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    for (let i = 0; i < scene.length; i += 1) scene[i]! += octave[i]! * weight;
  }
  const full = await sharp(Buffer.from(Uint8Array.from(scene)), { raw: { width: sceneWidth, height: sceneHeight, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
  // Sensor grain: ±16 on every sample.
  for (let i = 0; i < full.length; i += 1) {
    const value = full[i]! + (nextRandom() & 31) - 16;
    full[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
  return sharp(full, { raw: { width, height, channels: 3 } }).withExif(phoneExif).withMetadata({ orientation }).jpeg({ quality: 90 }).toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function pngSignatureAndHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // colour type: RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header)]);
}

/** Only a PNG's signature and IHDR chunk (its CRC right), claiming `width` × `height` RGB pixels: 33 bytes. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  return pngSignatureAndHeader(width, height);
}

/**
 * The first bytes of a PNG decompression bomb: the header claiming `width` × `height`, then an IDAT
 * chunk starting the zlib stream of its (all zero) rows. Deflate squeezes such rows about 1000:1, so the
 * whole 14000 × 14000 bomb would be ~570 KB for 588 MB of pixels; its head is enough to be refused.
 */
export function pngBombHead(width: number, height: number): Buffer {
  const rows = deflateSync(Buffer.alloc((width * 3 + 1) * 16));
  // Cut the stream before its end, as the head of a longer one.
  return Buffer.concat([pngSignatureAndHeader(width, height), pngChunk('IDAT', rows.subarray(0, rows.length - 4))]);
}

/** An 800 × 600 photo-like JPEG cut off at 40 % of its bytes, as an interrupted copy leaves it (no end marker). */
export async function truncatedJpeg(): Promise<Buffer> {
  const photo = await photoLikeJpeg({ width: 800, height: 600 });
  return photo.subarray(0, Math.floor(photo.length * 0.4));
}

/**
 * An 800 × 600 photo-like JPEG with 2000 bytes of its image data zeroed half-way, as a bad sector or a
 * flaky transfer leaves it: complete, but libjpeg warns "Corrupt JPEG data" while decoding it.
 */
export async function jpegWithCorruptStretch(): Promise<Buffer> {
  const photo = Buffer.from(await photoLikeJpeg({ width: 800, height: 600 }));
  const middle = Math.floor(photo.length / 2);
  photo.fill(0, middle, middle + 2000);
  return photo;
}

/** A small JPEG whose EXIF segment (APP1) has no valid byte-order mark: exif-reader throws on it. */
export async function jpegWithCorruptExif(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 51, g: 102, b: 153 } } }).jpeg().toBuffer();
  const payload = Buffer.concat([Buffer.from('Exif\0\0XX*\0', 'latin1'), Buffer.from([8, 0, 0, 0]), Buffer.alloc(20, 0xab)]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, jpeg.subarray(2)]);
}

/** A text file named like a photo: what the upload declares from the name, and its bytes. */
export function textFileNamedJpeg(): { name: string; mime: string; data: Buffer } {
  return { name: 'site-photo.jpg', mime: 'image/jpeg', data: Buffer.from('Site diary, 6 May: the photo is on my other phone.\n'.repeat(20)) };
}

/** A small SVG image (vector: librsvg would rasterise it, but the images plugin does not). */
export function svgImage(): Buffer {
  return Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#e04040"/></svg>');
}

/** The first bytes of a HEIC photo (an iPhone's): the ISO BMFF ftyp box with the heic brand, and the start of its meta box. */
export function heicHead(): Buffer {
  const fileType = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
  const meta = Buffer.concat([Buffer.from([0, 0, 0x01, 0x00]), Buffer.from('meta', 'latin1'), Buffer.alloc(248)]);
  return Buffer.concat([fileType, meta]);
}
