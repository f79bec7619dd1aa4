import { expect } from 'chai';
import sharp from 'sharp';
import type request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { buildAccessWorld, sharedFolder, type AccessWorld } from '../helpers/access-world.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import { pngBombHead } from '../helpers/image-fixtures.ts';

type Parser = Parameters<request.Test['parse']>[0];

const survey = {
  name: 'Photo survey', kind: 'form',
  fields: [{ key: 'photos', type: 'photo', label: 'Photos' }, { key: 'papers', type: 'file', label: 'Papers' }],
};

/** A supertest parser that keeps the body as bytes whatever its type. */
const binary: Parser = (res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** A landscape photo (800x400: a red band at the top, blue below) stored sideways with EXIF orientation 6, taken 30 Nov 2026 08:15 at +02:00 in Helsinki. */
async function sidewaysPhoto(): Promise<Buffer> {
  const top = await sharp({ create: { width: 400, height: 800, channels: 3, background: '#d00000' } }).png().toBuffer();
  // Stored rotated a quarter turn anticlockwise: orientation 6 says "turn it clockwise to view".
  const upright = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#0000d0' } })
    .composite([{ input: await sharp(top).extract({ left: 0, top: 0, width: 400, height: 200 }).resize(800, 200).toBuffer(), top: 0, left: 0 }]).png().toBuffer();
  const stored = await sharp(upright).rotate(-90).png().toBuffer();
  return await sharp(stored).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).withExifMerge({
    IFD2: { DateTimeOriginal: '2026:11:30 08:15:00', OffsetTimeOriginal: '+02:00' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '60/1 10/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '24/1 56/1 0/1' },
  }).toBuffer();
}

forEachDatabase('record photos (images plugin)', (kind) => {
  let app: TestApp;
  let world: AccessWorld;
  let recordId: string;
  const api = (path: string): string => `/api/v1/t/${world.tenant}${path}`;
  const upload = (field: string, content: Buffer, filename: string): request.Test =>
    world.as('member', 'post', api(`/records/${recordId}/files`)).field('field', field).attach('file', content, { filename, contentType: 'image/jpeg' });
  const blobCount = async (): Promise<number> => Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs', []))[0]!.n);
  const processor = () => app.kirjuri.services.get('images.processor');

  before(async function () {
    this.timeout(60_000);
    // Photos over 50 kB are made in the background, so both ways are seen.
    app = await createTestApp(kind, { setup: { token: 'test-setup-token-0123456789' }, plugins: { extraDirs: [], disabled: [], config: { images: { inlineMaxBytes: 50_000 } } } });
    world = await buildAccessWorld(app);
    const folderId = await sharedFolder(world, 'Site P');
    const templateId = (await world.as('manager', 'post', api('/templates')).send(survey).expect(201)).body.id as string;
    recordId = (await world.as('member', 'post', api('/records')).send({ templateId, folderId, title: 'Survey 1', data: {}, draft: true }).expect(201)).body.id as string;
  });
  after(async () => app?.close());

  it('a sideways phone photo gets its capture time at upload, and upright thumbnail and preview without its metadata', async () => {
    const res = await upload('photos', await sidewaysPhoto(), 'IMG_0001.JPG').expect(201);
    expect(res.body).to.include({ mime: 'image/jpeg', takenAt: '2026-11-30T06:15:00.000Z' });
    expect(res.body.location).to.deep.equal({ lat: 60.175, lon: 24.9333333 });
    const thumbnail = await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail`)).buffer(true).parse(binary).expect(200);
    expect(thumbnail.headers['content-type']).to.equal('image/webp');
    expect(thumbnail.headers['cache-control']).to.equal('private, max-age=86400');
    const small = await sharp(thumbnail.body as Buffer).metadata();
    expect([small.width, small.height]).to.deep.equal([320, 160]);
    expect(small.exif).to.equal(undefined);
    // Upright: red at the top left, blue at the bottom right.
    const { data } = await sharp(thumbnail.body as Buffer).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([data[0]! > 150, data[2]! < 100]).to.deep.equal([true, true]);
    expect([data[data.length - 3]! < 100, data[data.length - 1]! > 150]).to.deep.equal([true, true]);
    const preview = await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail?size=preview`)).buffer(true).parse(binary).expect(200);
    const large = await sharp(preview.body as Buffer).metadata();
    expect([large.width, large.height, large.exif, large.xmp]).to.deep.equal([800, 400, undefined, undefined]);
    await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail`)).set('If-None-Match', thumbnail.headers.etag as string).expect(304);
    await app.kirjuri.audit.log.flush();
    const views = await world.as('admin', 'get', api(`/audit?action=file.view&objectId=${res.body.id}`)).expect(200);
    expect(views.body.items).to.have.length(1);
  });

  it('a large photo answers 202 with a placeholder until its renditions are made in the background', async () => {
    const big = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 95 }).toBuffer();
    expect(big.length).to.be.greaterThan(50_000);
    const res = await upload('photos', big, 'big.jpg').expect(201);
    const id = res.body.id as string;
    const blobId = (await app.kirjuri.db.selectRows<{ blob_id: string }>('SELECT blob_id FROM records_files WHERE id = $1', [id]))[0]!.blob_id;
    const first = await world.as('member', 'get', api(`/files/${id}/thumbnail`)).buffer(true).parse(binary);
    if (first.status === 202) {
      expect(first.headers['content-type']).to.equal('image/png');
      expect(first.headers['retry-after']).to.equal('2');
    } else {
      expect(first.status).to.equal(200);
    }
    await processor().settled(blobId);
    const ready = await world.as('member', 'get', api(`/files/${id}/thumbnail`)).buffer(true).parse(binary).expect(200);
    expect((await sharp(ready.body as Buffer).metadata()).width).to.equal(320);
  });

  it('an image a restart left pending answers 202 until the resume job makes it; one made twice keeps the first', async () => {
    const res = await upload('photos', await sidewaysPhoto(), 'restart.jpg').expect(201);
    const blobId = (await app.kirjuri.db.selectRows<{ blob_id: string }>('SELECT blob_id FROM records_files WHERE id = $1', [res.body.id]))[0]!.blob_id;
    // As if the process died while making it: the renditions are gone and the row is pending again.
    await app.kirjuri.db.transaction(async (t) => {
      await app.kirjuri.db.execute('DELETE FROM kirjuri_blobs WHERE derived_from = $1', [blobId], t);
      await app.kirjuri.db.execute("UPDATE images_renditions SET state = 'pending', thumbnail_blob_id = NULL, preview_blob_id = NULL, updated_at = 0 WHERE source_blob_id = $1", [blobId], t);
    });
    const pending = await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail`)).buffer(true).parse(binary).expect(202);
    expect(pending.headers['cache-control']).to.equal('no-store');
    expect((await sharp(pending.body as Buffer).metadata()).format).to.equal('png');
    expect(await processor().resumeStale(60_000)).to.equal(1);
    await processor().settled(blobId);
    await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail`)).expect(200);
    expect(await processor().resumeStale(0)).to.equal(0);
    const derived = Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs WHERE derived_from = $1', [blobId]))[0]!.n);
    expect(derived).to.equal(2);
  });

  it('a 14000 x 14000 image is refused at upload from its header, and nothing of it is kept', async () => {
    const before = await blobCount();
    const res = await upload('photos', pngBombHead(14_000, 14_000), 'bomb.png').expect(422);
    expect(res.body.error.code).to.equal('image_too_large');
    expect(res.body.error.message).to.contain('196 megapixels').and.contain('40 megapixels');
    expect(await blobCount()).to.equal(before);
  });

  it('bytes that start like a JPEG but are not one are refused as unreadable', async () => {
    const res = await upload('photos', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]), 'broken.jpg');
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('image_unreadable');
  });

  it('a file that is not an image has no thumbnail: a JSON 404 for the API, a placeholder picture for an <img>', async () => {
    const res = await world.as('member', 'post', api(`/records/${recordId}/files`)).field('field', 'papers').attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), { filename: 'a.pdf' }).expect(201);
    const json = await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail`)).set('Accept', 'application/json').expect(404);
    expect(json.body.error.code).to.equal('no_rendition');
    const picture = await world.as('member', 'get', api(`/files/${res.body.id}/thumbnail`)).set('Accept', 'image/avif,image/webp,image/*,*/*;q=0.8').buffer(true).parse(binary).expect(404);
    expect(picture.headers['content-type']).to.equal('image/png');
  });

  it('someone who cannot see the record cannot see its thumbnails', async () => {
    const res = await upload('photos', await sidewaysPhoto(), 'x.jpg').expect(201);
    await world.as('otherAdmin', 'get', api(`/files/${res.body.id}/thumbnail`)).expect(404);
    await world.as('otherAdmin', 'get', `/api/v1/t/${world.otherTenant}/files/${res.body.id}/thumbnail`).expect(404);
  });

  it('deleting the record removes the photos, their renditions and every blob row', async () => {
    const res = await upload('photos', await sidewaysPhoto(), 'gone.jpg').expect(201);
    const blobId = (await app.kirjuri.db.selectRows<{ blob_id: string }>('SELECT blob_id FROM records_files WHERE id = $1', [res.body.id]))[0]!.blob_id;
    const derived = async (): Promise<number> => Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM kirjuri_blobs WHERE derived_from = $1', [blobId]))[0]!.n);
    expect(await derived()).to.equal(2);
    await world.as('admin', 'delete', api(`/records/${recordId}`)).expect(204);
    expect(await derived()).to.equal(0);
    expect(Number((await app.kirjuri.db.selectRows<{ n: unknown }>('SELECT COUNT(*) AS n FROM images_renditions', []))[0]!.n)).to.equal(0);
  });
});
