// The events the records plugin emits on the hook map, after the change they report has committed.

/** What every record event carries. */
export interface RecordEvent {
  tenantId: string;
  recordId: string;
  templateId: string;
  folderId: string | null;
  /** The record's revision after the change. */
  revision: number;
  actorId: string;
}

/** A file uploaded to a record, after its rows committed (the images plugin makes its variants on it). */
export interface FileStoredEvent {
  tenantId: string;
  fileId: string;
  recordId: string;
  blobId: string;
  mime: string;
}

declare module '../../../core/kernel/hook-map.ts' {
  interface HookMap {
    'record.created': RecordEvent;
    'record.updated': RecordEvent & { changed: string[] };
    'record.completed': RecordEvent;
    'record.deleted': Omit<RecordEvent, 'revision'>;
    'record.entry_added': RecordEvent & { entryId: string; seq: number };
    'template.published': { tenantId: string; templateId: string; version: number; actorId: string };
    'file.stored': FileStoredEvent;
  }
}

/** The hook names above, declared by the plugin at registration. */
export const recordHookNames = ['record.created', 'record.updated', 'record.completed', 'record.deleted', 'record.entry_added', 'template.published', 'file.stored'] as const;
