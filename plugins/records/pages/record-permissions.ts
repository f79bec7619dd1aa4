import { levelAtLeast } from '../../../core/plugin-api.ts';
import type { RecordView } from '../services/record-reader.ts';

/** What the caller may do with a record they see, as the writer decides it: the pages offer only these. */
export interface RecordPermissions {
  /** Change its fields (or append journal entries): edit access to a draft, manage access once completed. */
  edit: boolean;
  complete: boolean;
  reopen: boolean;
  /** Delete it and share it. */
  manage: boolean;
}

/** The actions open to the caller on a record, from its status and their access. */
export function recordPermissions(view: RecordView): RecordPermissions {
  const draft = view.record.status === 'draft';
  const manage = levelAtLeast(view.access, 'manage');
  const edit = draft ? levelAtLeast(view.access, 'edit') : manage;
  return { edit, complete: draft && edit, reopen: !draft && manage, manage };
}
