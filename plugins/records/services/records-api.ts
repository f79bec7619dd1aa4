import type { ImageProcessor, PluginRuntime } from '../../../core/plugin-api.ts';
import { RecordFileStore } from './file-store.ts';
import { FileUploads } from './file-uploads.ts';
import { JournalOperations } from './journal-operations.ts';
import { JournalStore } from './journal-store.ts';
import { RecordReader } from './record-reader.ts';
import { RecordStore } from './record-store.ts';
import { RecordWriter } from './record-writer.ts';
import type { RecordsDeps } from './records-deps.ts';
import { SignatureStore } from './signature-store.ts';
import { StructureOperations } from './structure-operations.ts';
import { StructureStore } from './structure-store.ts';
import { TemplateOperations } from './template-operations.ts';
import { TemplateStore } from './template-store.ts';

/** The records plugin's parts, built when the plugin bootstraps; routes, pages and the object type reach them through the `records.api` service. */
export interface RecordsParts {
  deps: RecordsDeps;
  writer: RecordWriter;
  reader: RecordReader;
  journal: JournalOperations;
  templates: TemplateOperations;
  structures: StructureOperations;
  uploads: FileUploads;
}

/**
 * The `records.api` service: one per running app (a process may run several, as the tests do). It is
 * made empty at registration, for the object type and routes to hold, and started with the app's
 * runtime at bootstrap.
 */
export class RecordsApi {
  #parts: RecordsParts | null = null;
  #runtime: PluginRuntime | null = null;

  /** Builds every part over the app's database and core's folder and sharing services. */
  start(runtime: PluginRuntime): void {
    this.#runtime = runtime;
    const { db } = runtime;
    const deps: RecordsDeps = {
      db, templates: new TemplateStore(db), records: new RecordStore(db), journal: new JournalStore(db), signatures: new SignatureStore(db, runtime.services.get('core.files')), files: new RecordFileStore(db), encryptedFiles: runtime.services.get('core.files'), structures: new StructureStore(db),
      folders: runtime.services.get('core.folders'), shares: runtime.services.get('core.shares'), hooks: runtime.hooks,
      // Asked for at use: the images plugin may bootstrap after this one, or not be there at all.
      images: () => (runtime.services.has('images.processor') ? runtime.services.get<ImageProcessor>('images.processor') : null),
    };
    const writer = new RecordWriter(deps);
    const limits = { maxFileBytes: runtime.kirjuri.files.maxFileBytes, maxTenantBytes: runtime.kirjuri.files.maxTenantBytes };
    this.#parts = {
      deps, writer, reader: new RecordReader(deps), journal: new JournalOperations(deps), templates: new TemplateOperations(deps), structures: new StructureOperations(deps, writer),
      uploads: new FileUploads(deps, limits),
    };
  }

  /** The started parts; asking before bootstrap is a programming error. */
  get parts(): RecordsParts {
    if (!this.#parts) throw new Error('The records plugin was asked for its parts before it bootstrapped.');
    return this.#parts;
  }

  /** The runtime the plugin bootstrapped with: page panels, which core calls without one, reach core's services through it. */
  get runtime(): PluginRuntime {
    if (!this.#runtime) throw new Error('The records plugin was asked for its runtime before it bootstrapped.');
    return this.#runtime;
  }
}

declare module '../../../core/kernel/service-map.ts' {
  interface ServiceMap {
    'records.api': RecordsApi;
  }
}
