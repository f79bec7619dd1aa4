import type { Database, EncryptedFiles, FolderService, HookBus, ImageProcessor, ShareService } from '../../../core/plugin-api.ts';
import type { RecordFileStore } from './file-store.ts';
import type { JournalStore } from './journal-store.ts';
import type { RecordStore } from './record-store.ts';
import type { SignatureStore } from './signature-store.ts';
import type { StructureStore } from './structure-store.ts';
import type { TemplateStore } from './template-store.ts';

/** What the records plugin's operations work with, built once at bootstrap and handed to each explicitly. */
export interface RecordsDeps {
  db: Database;
  templates: TemplateStore;
  records: RecordStore;
  journal: JournalStore;
  signatures: SignatureStore;
  files: RecordFileStore;
  /** core.files: the encrypted bytes of the files. */
  encryptedFiles: EncryptedFiles;
  structures: StructureStore;
  folders: FolderService;
  shares: ShareService;
  hooks: Pick<HookBus, 'emit'>;
  /** The image processor (service `images.processor`) when the images plugin is installed, else null: photos are then kept as they came. */
  images: () => ImageProcessor | null;
}
