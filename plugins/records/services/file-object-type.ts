import type { ObjectTypeDefinition } from '../../../core/plugin-api.ts';
import { accessibleRecord } from './record-access.ts';
import type { RecordsApi } from './records-api.ts';

/**
 * The `file` object type: a record's photo or attachment, owned by its uploader and contained by its
 * record (then the record's folders), so whoever may see the record may see its files. It is not
 * shared on its own: sharing the record shares it.
 */
export function fileObjectType(api: RecordsApi): ObjectTypeDefinition {
  return {
    label: 'file',
    shareable: false,
    async locate(tenantId, id) {
      const { deps } = api.parts;
      const file = await deps.files.find(tenantId, id);
      const record = file && await deps.records.find(tenantId, file.recordId);
      if (!file || !record) return null;
      const container = await accessibleRecord(deps.folders, record);
      return { type: 'file', id: file.id, tenantId, ownerId: file.createdBy, title: file.name, containers: [{ type: 'record', id: record.id }, ...container.containers] };
    },
  };
}
