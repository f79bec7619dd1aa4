import { expect } from 'chai';
import sharp from 'sharp';
import { AppError } from '../../core/plugin-api.ts';
import { captureTimeOf, gpsTimeOf, locationOf, offsetMinutesOf } from '../../plugins/images/services/exif-facts.ts';
import { inspectImageHead, inspectionHeadBytes } from '../../plugins/images/services/image-inspection.ts';
import { defaultMaxImagePixels } from '../../plugins/images/services/image-limits.ts';
import {
  heicHead, jpegWithCorruptExif, jpegWithExif, phoneExifFacts, photoLikeJpeg, plainPng, plainWebp, pngBombHead,
  pngHeaderClaiming, sidewaysJpeg, svgImage, textFileNamedJpeg, truncatedJpeg,
} from '../helpers/image-fixtures.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const limits = { maxPixels: defaultMaxImagePixels };
const noExif = { takenAt: null, location: null };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(error).to.be.instanceOf(AppError);
  return error as AppError;
}

describe('inspectImageHead()', () => {
  it('gives the size a sideways-stored phone photo is seen at (orientation 6), its capture time and location', async () => {
    const facts = await inspectImageHead(await sidewaysJpeg(), 'image/jpeg', limits);
    expect(facts).to.deep.equal({ width: 200, height: 400, ...phoneExifFacts });
  });

  it('reads a 12 MP photo from its first 256 KiB (inspectionHeadBytes)', async () => {
    const photo = await photoLikeJpeg();
    expect(inspectionHeadBytes).to.equal(256 * 1024);
    expect(photo.length).to.be.greaterThan(inspectionHeadBytes * 4);
    const facts = await inspectImageHead(photo.subarray(0, inspectionHeadBytes), 'image/jpeg', limits);
    expect(facts).to.deep.equal({ width: 4000, height: 3000, ...phoneExifFacts });
  });

  it('reads a truncated JPEG like any head: size and EXIF come before the image data', async () => {
    const facts = await inspectImageHead(await truncatedJpeg(), 'image/jpeg', limits);
    expect(facts).to.deep.equal({ width: 800, height: 600, ...phoneExifFacts });
  });

  it('reads a PNG and a WebP without EXIF', async () => {
    expect(await inspectImageHead(await plainPng(300, 200), 'image/png', limits)).to.deep.equal({ width: 300, height: 200, ...noExif });
    expect(await inspectImageHead(await plainWebp(300, 200), 'image/webp', limits)).to.deep.equal({ width: 300, height: 200, ...noExif });
  });

  it('reads the size from cut-off WebP heads, which sharp cannot read (lossy, lossless and extended)', async () => {
    const png = await plainPng(3000, 2000);
    const heads = {
      lossy: (await plainWebp(3000, 2000)).subarray(0, 1000),
      lossless: (await sharp(png).webp({ lossless: true }).toBuffer()).subarray(0, 1000),
      extended: (await sharp(png).ensureAlpha(0.5).webp().withExif({ IFD0: { Make: 'Test' } }).toBuffer()).subarray(0, 1000),
    };
    expect(heads.extended.toString('latin1', 12, 16)).to.equal('VP8X');
    for (const [kind, head] of Object.entries(heads)) {
      expect(await rejectionOf(sharp(head).metadata()), kind).to.be.instanceOf(Error);
      expect(await inspectImageHead(head, 'image/webp', limits), kind).to.deep.equal({ width: 3000, height: 2000, ...noExif });
    }
  });

  it('refuses a 14000 × 14000 PNG from its 33-byte header alone (no image data to decode), and from a bomb head', async () => {
    const header = pngHeaderClaiming(14000, 14000);
    expect(header.length).to.equal(33);
    for (const head of [header, pngBombHead(14000, 14000)]) {
      const error = await refusal(inspectImageHead(head, 'image/png', limits));
      expect(error.status).to.equal(422);
      expect(error.code).to.equal('image_too_large');
      expect(error.message).to.equal('The image is 14000 × 14000 pixels (196 megapixels), more than the 40 megapixels this server accepts: scale it down or export a smaller size, and upload it again.');
      expect(error.details).to.deep.equal({ width: 14000, height: 14000, pixels: 196_000_000, maxPixels: 40_000_000 });
    }
  });

  it('takes exactly 40 MP by default and refuses a row more; the limit is the caller\'s', async () => {
    expect(defaultMaxImagePixels).to.equal(40_000_000);
    expect(await inspectImageHead(pngHeaderClaiming(8000, 5000), 'image/png', limits)).to.deep.equal({ width: 8000, height: 5000, ...noExif });
    const error = await refusal(inspectImageHead(pngHeaderClaiming(8000, 5001), 'image/png', limits));
    expect(error.code).to.equal('image_too_large');
    expect(error.message).to.contain('8000 × 5001 pixels (40.01 megapixels), more than the 40 megapixels');
    expect((await refusal(inspectImageHead(await plainPng(300, 200), 'image/png', { maxPixels: 59_999 }))).code).to.equal('image_too_large');
    expect(await inspectImageHead(await plainPng(300, 200), 'image/png', { maxPixels: 60_000 })).to.have.property('width', 300);
  });

  it('refuses a text file named .jpg and an SVG sent as a JPEG as unreadable, with a sentence', async () => {
    const text = textFileNamedJpeg();
    for (const data of [text.data, svgImage(), Buffer.alloc(0)]) {
      const error = await refusal(inspectImageHead(data, text.mime, limits));
      expect(error.status).to.equal(422);
      expect(error.code).to.equal('image_unreadable');
      expect(error.message).to.equal('The file was sent as image/jpeg, but it is not an image that can be read: check that it opens on your device (or save it again as JPEG or PNG) and upload it again.');
    }
  });

  it('returns null for types it does not process: HEIC and HEIF (also sent as a JPEG), SVG, PDF, text', async () => {
    expect(await inspectImageHead(heicHead(), 'image/heic', limits)).to.equal(null);
    expect(await inspectImageHead(heicHead(), 'image/heif', limits)).to.equal(null);
    expect(await inspectImageHead(heicHead(), 'image/jpeg', limits)).to.equal(null);
    expect(await inspectImageHead(svgImage(), 'image/svg+xml', limits)).to.equal(null);
    expect(await inspectImageHead(Buffer.from('%PDF-1.7\n'), 'application/pdf', limits)).to.equal(null);
    expect(await inspectImageHead(Buffer.from('notes'), 'text/plain', limits)).to.equal(null);
  });

  it('reads the declared type without regard to case or parameters', async () => {
    expect(await inspectImageHead(await plainPng(30, 20), 'IMAGE/PNG; charset=binary', limits)).to.have.property('width', 30);
  });

  it('keeps the size and leaves out only the EXIF facts when the EXIF is corrupt', async () => {
    expect(await inspectImageHead(await jpegWithCorruptExif(), 'image/jpeg', limits)).to.deep.equal({ width: 300, height: 200, ...noExif });
  });

  it('leaves the size null when the head stops before it (no refusal)', async () => {
    const photo = await photoLikeJpeg({ width: 800, height: 600 });
    expect(await inspectImageHead(photo.subarray(0, 40), 'image/jpeg', limits)).to.deep.equal({ width: null, height: null, ...noExif });
  });
});

describe('EXIF capture time and location', () => {
  const at = (exif: Parameters<typeof jpegWithExif>[0]): Promise<unknown> => jpegWithExif(exif).then((jpeg) => inspectImageHead(jpeg, 'image/jpeg', limits));

  it('makes the wall clock UTC with OffsetTimeOriginal, else with OffsetTime', async () => {
    expect(await at({ IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', OffsetTimeOriginal: '+03:00' } })).to.have.property('takenAt', Date.UTC(2024, 4, 6, 4, 8, 9));
    expect(await at({ IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', OffsetTime: '-05:30' } })).to.have.property('takenAt', Date.UTC(2024, 4, 6, 12, 38, 9));
  });

  it('uses the GPS date and time (UTC) when there is no offset, else reads the wall clock as UTC', async () => {
    expect(await at({ IFD2: { DateTimeOriginal: '2024:05:06 07:08:09' }, IFD3: { GPSDateStamp: '2024:05:06', GPSTimeStamp: '4/1 8/1 10/1' } })).to.have.property('takenAt', Date.UTC(2024, 4, 6, 4, 8, 10));
    expect(await at({ IFD2: { DateTimeOriginal: '2024:05:06 07:08:09' } })).to.have.property('takenAt', Date.UTC(2024, 4, 6, 7, 8, 9));
  });

  it('falls back to DateTimeDigitized, then DateTime, and gives null for an unset camera clock', async () => {
    expect(await at({ IFD2: { DateTimeDigitized: '2024:01:02 03:04:05', OffsetTimeDigitized: '+01:00' } })).to.have.property('takenAt', Date.UTC(2024, 0, 2, 2, 4, 5));
    expect(await at({ IFD0: { DateTime: '2023:12:31 23:59:58' } })).to.have.property('takenAt', Date.UTC(2023, 11, 31, 23, 59, 58));
    expect(await at({ IFD2: { DateTimeOriginal: '0000:00:00 00:00:00' } })).to.have.property('takenAt', null);
    expect(await at({ IFD0: { Make: 'No clock' } })).to.deep.include(noExif);
  });

  it('gives south and west as negative degrees', async () => {
    const facts = await at({ IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '33/1 51/1 3540/100', GPSLongitudeRef: 'W', GPSLongitude: '70/1 39/1 0/1' } });
    expect(facts).to.have.deep.property('location', { lat: -33.8598333, lon: -70.65 });
  });

  it('gives no location for a 0/0 rational (NaN), degrees out of range, or 0,0 from an unset GPS', async () => {
    const east = { GPSLongitudeRef: 'E', GPSLongitude: '24/1 56/1 15/1' };
    expect(await at({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '0/0 0/1 0/1', ...east } })).to.have.property('location', null);
    expect(await at({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '91/1 0/1 0/1', ...east } })).to.have.property('location', null);
    expect(await at({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '60/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '181/1 0/1 0/1' } })).to.have.property('location', null);
    expect(await at({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '0/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '0/1 0/1 0/1' } })).to.have.property('location', null);
  });

  it('locationOf() wants three numbers with minutes and seconds under 60 and a known hemisphere', () => {
    const gps = (fields: Record<string, unknown>) => ({ GPSInfo: { GPSLatitudeRef: 'N', GPSLatitude: [60, 10, 30], GPSLongitudeRef: 'E', GPSLongitude: [24, 56, 15], ...fields } });
    expect(locationOf(gps({}))).to.deep.equal({ lat: 60.175, lon: 24.9375 });
    expect(locationOf(gps({ GPSLatitudeRef: 's ' }))).to.deep.equal({ lat: -60.175, lon: 24.9375 });
    expect(locationOf(gps({ GPSLatitudeRef: undefined }))).to.equal(null);
    expect(locationOf(gps({ GPSLongitudeRef: 'X' }))).to.equal(null);
    expect(locationOf(gps({ GPSLatitude: [60, 75, 0] }))).to.equal(null);
    expect(locationOf(gps({ GPSLatitude: [60, 10] }))).to.equal(null);
    expect(locationOf(gps({ GPSLatitude: '60 10 30' }))).to.equal(null);
    expect(locationOf(gps({ GPSLongitude: [24, 56, Infinity] }))).to.equal(null);
    expect(locationOf(gps({ GPSLatitude: [-60, 10, 30] }))).to.equal(null);
    expect(locationOf({ GPSInfo: null })).to.equal(null);
  });

  it('captureTimeOf() and its helpers take only what makes sense', () => {
    expect(offsetMinutesOf('+0300')).to.equal(180);
    expect(offsetMinutesOf('-09:30')).to.equal(-570);
    for (const nonsense of ['+15:00', '+03:60', '   :  ', '3:00', 180, null]) expect(offsetMinutesOf(nonsense), String(nonsense)).to.equal(null);
    expect(gpsTimeOf({ GPSDateStamp: '2024:02:29', GPSTimeStamp: [23, 59, 59.5] })).to.equal(Date.UTC(2024, 1, 29, 23, 59, 59, 500));
    expect(gpsTimeOf({ GPSDateStamp: '2023:02:29', GPSTimeStamp: [1, 0, 0] })).to.equal(null);
    expect(gpsTimeOf({ GPSDateStamp: '2024:05:06', GPSTimeStamp: [24, 0, 0] })).to.equal(null);
    expect(gpsTimeOf({ GPSDateStamp: '2024:05:06', GPSTimeStamp: [4, 8, NaN] })).to.equal(null);
    const wallClock = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
    expect(captureTimeOf({ Photo: { DateTimeOriginal: wallClock, OffsetTimeOriginal: 'garbage' } })).to.equal(wallClock.getTime());
    expect(captureTimeOf({ Photo: { DateTimeOriginal: '2024:05:06 07:08:09' } })).to.equal(null);
    expect(captureTimeOf({ Photo: { DateTimeOriginal: new Date(Number.NaN) }, Image: { DateTime: wallClock } })).to.equal(wallClock.getTime());
    expect(captureTimeOf({ GPSInfo: { GPSDateStamp: '2024:05:06', GPSTimeStamp: [4, 8, 10] } })).to.equal(Date.UTC(2024, 4, 6, 4, 8, 10));
  });
});
