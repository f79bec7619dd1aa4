import { expect } from 'chai';
import sharp from 'sharp';
import { bareSharpRenditions, ImageRenditionError, makeImageRenditions, type Rendition } from '../../plugins/images/services/image-renditions.ts';
import {
  heicHead, jpegWithCorruptStretch, photoLikeJpeg, plainPng, pngBombHead, pngHeaderClaiming, sceneColours,
  sidewaysJpeg, svgImage, textFileNamedJpeg, truncatedJpeg,
} from '../helpers/image-fixtures.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

type Colour = { r: number; g: number; b: number };

/** The colour at (x, y) of an encoded rendition. */
async function colourAt(rendition: Rendition, x: number, y: number): Promise<Colour> {
  const { data, info } = await sharp(rendition.data).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { r: data[at]!, g: data[at + 1]!, b: data[at + 2]! };
}

function expectColour(actual: Colour, expected: Colour, where: string): void {
  const distance = Math.max(Math.abs(actual.r - expected.r), Math.abs(actual.g - expected.g), Math.abs(actual.b - expected.b));
  expect(distance, `${where}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`).to.be.lessThan(40);
}

async function renditionFailure(promise: Promise<unknown>): Promise<ImageRenditionError> {
  const error = await rejectionOf(promise);
  expect(error).to.be.instanceOf(ImageRenditionError);
  return error as ImageRenditionError;
}

describe('makeImageRenditions()', () => {
  it('turns a sideways-stored phone photo upright: portrait, red band at the top, green corner top right', async () => {
    const { thumbnail, preview } = await makeImageRenditions(await sidewaysJpeg());
    expect(preview).to.include({ width: 200, height: 400, mime: 'image/webp' });
    expect(thumbnail).to.include({ width: 160, height: 320, mime: 'image/webp' });
    for (const [name, rendition] of Object.entries({ thumbnail, preview })) {
      const { width, height } = rendition;
      // The band is the top 15 % (60 of 400 rows), the corner square 15 % of the width.
      expectColour(await colourAt(rendition, Math.round(width * 0.5), Math.round(height * 0.05)), sceneColours.top, `${name} top middle`);
      expectColour(await colourAt(rendition, Math.round(width * 0.05), Math.round(height * 0.03)), sceneColours.top, `${name} top left`);
      expectColour(await colourAt(rendition, Math.round(width * 0.95), Math.round(height * 0.03)), sceneColours.corner, `${name} top right`);
      expectColour(await colourAt(rendition, Math.round(width * 0.5), Math.round(height * 0.9)), sceneColours.rest, `${name} bottom`);
    }
  });

  it('fits a 12 MP photo into the 1600 and 320 boxes', async () => {
    const { thumbnail, preview } = await makeImageRenditions(await photoLikeJpeg());
    expect(preview).to.include({ width: 1600, height: 1200 });
    expect(thumbnail).to.include({ width: 320, height: 240 });
    expect((await sharp(preview.data).metadata()).format).to.equal('webp');
  });

  it('never enlarges a small image, and takes other box sizes', async () => {
    const small = await makeImageRenditions(await plainPng(300, 200));
    expect(small.preview).to.include({ width: 300, height: 200 });
    expect(small.thumbnail).to.include({ width: 300, height: 200 });
    const boxed = await makeImageRenditions(await sidewaysJpeg(), { previewSize: 250, thumbnailSize: 100, quality: undefined });
    expect(boxed.preview).to.include({ width: 125, height: 250 });
    expect(boxed.thumbnail).to.include({ width: 50, height: 100 });
  });

  it('writes no metadata: no EXIF (so no GPS or orientation), no XMP, no ICC profile; sRGB', async () => {
    const source = await sharp(await sidewaysJpeg()).metadata();
    expect(source.exif, 'the fixture has EXIF').to.be.instanceOf(Buffer);
    expect(source.xmp, 'the fixture has XMP').to.be.instanceOf(Buffer);
    const { thumbnail, preview } = await makeImageRenditions(await sidewaysJpeg());
    for (const rendition of [thumbnail, preview]) {
      const metadata = await sharp(rendition.data).metadata();
      expect(metadata).to.include({ format: 'webp', space: 'srgb', hasProfile: false });
      expect(metadata.exif).to.equal(undefined);
      expect(metadata.xmp).to.equal(undefined);
      expect(metadata.icc).to.equal(undefined);
      expect(metadata.orientation).to.equal(undefined);
    }
  });

  it('keeps transparency (the preview\'s raw pixels are read back as straight alpha)', async () => {
    const half = await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 200, g: 60, b: 30, alpha: 0.5 } } }).png().toBuffer();
    const { thumbnail, preview } = await makeImageRenditions(half);
    for (const rendition of [thumbnail, preview]) {
      const { data, info } = await sharp(rendition.data).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).to.equal(4);
      const centre = (200 * info.width + 200) * 4;
      expect(Math.abs(data[centre]! - 200), 'red').to.be.lessThan(12);
      expect(Math.abs(data[centre + 3]! - 128), 'alpha').to.be.lessThan(6);
    }
  });

  it('refuses a 14000 × 14000 PNG bomb as too large from its header (its data is not even there)', async () => {
    const error = await renditionFailure(makeImageRenditions(pngBombHead(14000, 14000)));
    expect(error.reason).to.equal('image_too_large');
    expect(error.message).to.equal('The image is larger than the 40 megapixels this server makes previews of, so it has none; the original file is kept as it was uploaded. To get previews, scale it down or export a smaller size and upload that.');
  });

  it('keeps to maxPixels: takes an image of exactly that many pixels and refuses one over', async () => {
    const photo = await sidewaysJpeg();
    expect((await makeImageRenditions(photo, { maxPixels: 400 * 200 })).preview).to.include({ width: 200, height: 400 });
    expect((await renditionFailure(makeImageRenditions(photo, { maxPixels: 400 * 200 - 1 }))).reason).to.equal('image_too_large');
  });

  it('refuses what is not an image it reads: text named .jpg, nothing, SVG, a PNG with no image data', async () => {
    for (const input of [textFileNamedJpeg().data, Buffer.alloc(0), svgImage(), pngHeaderClaiming(300, 200)]) {
      const error = await renditionFailure(makeImageRenditions(input));
      expect(error.reason).to.equal('image_unreadable');
      expect(error.message).to.match(/^The (file is not an image this server can read|image could not be decoded)/);
    }
  });

  it('refuses HEIC as a type it does not process', async () => {
    const error = await renditionFailure(makeImageRenditions(heicHead()));
    expect(error.reason).to.equal('image_type_not_processed');
    expect(error.message).to.contain('HEIC');
  });

  it('refuses a truncated JPEG (the data ends before the image does) and a bare JPEG header', async () => {
    const truncated = await renditionFailure(makeImageRenditions(await truncatedJpeg()));
    expect(truncated.reason).to.equal('image_unreadable');
    expect(truncated.details).to.have.property('sharp').that.matches(/premature end/);
    const photo = await photoLikeJpeg({ width: 800, height: 600 });
    const headerOnly = photo.subarray(0, photo.indexOf(Buffer.from([0xff, 0xda])) + 20);
    expect((await renditionFailure(makeImageRenditions(headerOnly))).reason).to.equal('image_unreadable');
  });

  it('makes renditions of a JPEG with a corrupt stretch of data, which sharp\'s default failOn refuses', async () => {
    const damaged = await jpegWithCorruptStretch();
    expect(await rejectionOf(sharp(damaged).raw().toBuffer())).to.match(/Corrupt JPEG data/);
    const { preview } = await makeImageRenditions(damaged);
    expect(preview).to.include({ width: 800, height: 600 });
  });

  it('refuses options that are not whole numbers in range', async () => {
    const photo = await plainPng(30, 20);
    for (const options of [{ thumbnailSize: 0 }, { previewSize: 16_384 }, { quality: 101 }, { maxPixels: 1.5 }]) {
      expect(await rejectionOf(makeImageRenditions(photo, options)), JSON.stringify(options)).to.be.instanceOf(RangeError);
    }
  });
});

describe('bareSharpRenditions()', () => {
  it('makes the same renditions as makeImageRenditions(): sizes, format and orientation', async () => {
    for (const input of [await photoLikeJpeg(), await sidewaysJpeg()]) {
      const bare = await bareSharpRenditions(input);
      const made = await makeImageRenditions(input);
      for (const kind of ['thumbnail', 'preview'] as const) {
        expect(bare[kind]).to.include({ width: made[kind].width, height: made[kind].height, mime: made[kind].mime });
      }
    }
    const { preview } = await bareSharpRenditions(await sidewaysJpeg());
    expectColour(await colourAt(preview, 190, 10), sceneColours.corner, 'top right');
  });
});
