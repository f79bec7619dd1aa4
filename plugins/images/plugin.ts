// The images plugin: photos' thumbnails and previews (sharp), their capture time and place (EXIF), and
// the pixel limit that refuses decompression bombs at upload. It provides core's ImageProcessor as the
// service `images.processor`; the records plugin asks for it when a photo arrives or is shown.
import { definePlugin } from '../../core/plugin-api.ts';
import { imagesConfigSchema, type ImagesConfig } from './services/images-config.ts';
import { SharpImageProcessor } from './services/sharp-image-processor.ts';

/** How long a pending image waits before the resume job takes it up (one a restart or a failed try left). */
const staleAfterMs = 2 * 60_000;

export default definePlugin<ImagesConfig>({
  name: 'images',
  version: '1.0.0',
  description: 'Thumbnails and previews of photos, their capture time and place, and the pixel limit.',
  requires: { kirjuri: '^0.1' },
  permissions: ['database', 'files', 'jobs'],
  configSchema: imagesConfigSchema,
  register(api) {
    const processor = new SharpImageProcessor();
    api.service('images.processor', () => processor);
    api.migrations('migrations');
    api.job({ name: 'images.resume', intervalMs: 60_000, run: async () => { await processor.resumeStale(staleAfterMs); } });
  },
  bootstrap(runtime) {
    runtime.services.get('images.processor').start({ db: runtime.db, files: runtime.services.get('core.files'), config: runtime.config, log: runtime.log });
  },
  async destroy(runtime) {
    await runtime.services.get('images.processor').drain();
  },
});

declare module '../../core/kernel/service-map.ts' {
  interface ServiceMap {
    'images.processor': SharpImageProcessor;
  }
}
