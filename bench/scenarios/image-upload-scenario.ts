import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BenchScenario } from '../bench-scenario.ts';
import { bareSharpRenditions } from '../../plugins/images/services/image-renditions.ts';
import { memberSharing } from '../servers/bench-member.ts';
import { csrfTokenOf, sendJson as send } from '../servers/send-json.ts';
import { startSignedInKirjuri } from '../servers/signed-in-kirjuri.ts';
import { median, rounded } from '../statistics.ts';

/** A 12 MP (4000 x 3000) JPEG that compresses like a photo: fine grain under a soft blur, quality 90. */
async function twelveMegapixelPhoto(): Promise<Buffer> {
  return await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#7a8894', noise: { type: 'gaussian', mean: 120, sigma: 35 } } })
    .blur(1.2).jpeg({ quality: 90 }).toBuffer();
}

/** Milliseconds `work` takes. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * A 12 MP photo uploaded to a record's photo field (multipart, streamed through the encryptor into the
 * blob store, inspected, then its thumbnail and preview made and stored encrypted before the answer,
 * as photos up to `inlineMaxBytes` are) against bare sharp making the same two renditions from memory,
 * alternating in the same run.
 */
export const imageUploadScenario: BenchScenario = {
  name: 'image-upload',
  description: 'A 12 MP JPEG uploaded to thumbnail and preview stored encrypted vs bare sharp making both from memory (target: at most 1.3x).',
  async run(settings) {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-bench-images-'));
    const configFile = join(dir, 'config.json');
    // Every photo of the benchmark is made before the upload answers, so that one request times it all.
    writeFileSync(configFile, JSON.stringify({ plugins: { config: { images: { inlineMaxBytes: 64 * 1024 * 1024 } } } }));
    const { server, cookie: adminCookie } = await startSignedInKirjuri({ KIRJURI_CONFIG: configFile });
    try {
      const photo = await twelveMegapixelPhoto();
      const api = `${server.url}/api/v1/t/bench`;
      const folder = await send(`${api}/folders`, adminCookie, 'POST', { name: 'Photos' }, 201);
      const cookie = await memberSharing(server.url, adminCookie, folder.id, 'edit');
      const template = await send(`${api}/templates`, adminCookie, 'POST', { name: 'Photo log', kind: 'form', fields: [{ key: 'photos', type: 'photo', label: 'Photos' }] }, 201);
      const record = await send(`${api}/records`, cookie, 'POST', { templateId: template.id, folderId: folder.id, title: 'Photos', data: {}, draft: true }, 201);
      const headers = { Cookie: cookie, 'X-CSRF-Token': await csrfTokenOf(server.url, cookie) };
      const upload = async (): Promise<void> => {
        const form = new FormData();
        form.append('field', 'photos');
        form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG_1200.JPG');
        const response = await fetch(`${api}/records/${String(record.id)}/files`, { method: 'POST', headers, body: form });
        if (response.status !== 201) throw new Error(`The upload answered ${response.status}: ${await response.text()}`);
        const file = await response.json() as { id: string };
        const thumbnail = await fetch(`${api}/files/${file.id}/thumbnail`, { headers });
        if (thumbnail.status !== 200) throw new Error(`The thumbnail was not ready after the upload (${thumbnail.status}).`);
        await thumbnail.arrayBuffer();
      };
      // Warm both up (sharp's first call loads libvips' codecs).
      await upload();
      await bareSharpRenditions(photo);
      const rounds = Math.max(settings.rounds, 7);
      const uploads: number[] = [];
      const bare: number[] = [];
      const ratios: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const b = await timed(() => bareSharpRenditions(photo));
        const u = await timed(upload);
        bare.push(b);
        uploads.push(u);
        ratios.push(u / b);
      }
      const ratio = median(ratios);
      return [
        `image-upload: ${rounds} alternating rounds, a ${rounded(photo.length / 1e6, 1)} MB 12 MP JPEG, medians`,
        `  Kirjuri upload -> stored, inspected, thumbnail + preview stored encrypted: ${rounded(median(uploads))} ms`,
        `  bare sharp, same two renditions from memory (baseline): ${rounded(median(bare))} ms`,
        `  ratio (median of per-round ratios): ${rounded(ratio, 2)}x (target <= 1.3x): ${ratio <= 1.3 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
