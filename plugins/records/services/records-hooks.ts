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

declare module '../../../core/kernel/hook-map.ts' {
  interface HookMap {
    'record.created': RecordEvent;
    'record.updated': RecordEvent & { changed: string[] };
    'record.completed': RecordEvent;
    'record.deleted': Omit<RecordEvent, 'revision'>;
    'record.entry_added': RecordEvent & { entryId: string; seq: number };
    'template.published': { tenantId: string; templateId: string; version: number; actorId: string };
  }
}

/** The hook names above, declared by the plugin at registration. */
export const recordHookNames = ['record.created', 'record.updated', 'record.completed', 'record.deleted', 'record.entry_added', 'template.published'] as const;
