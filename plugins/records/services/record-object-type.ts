import type { ObjectTypeDefinition } from '../../../core/plugin-api.ts';
import { accessibleRecord } from './record-access.ts';
import type { RecordsApi } from './records-api.ts';

/**
 * The `record` object type: owned by its author, contained by its folder (so folder grants and shares
 * reach it), shareable on its own, and counted by the folder delete rule.
 */
export function recordObjectType(api: RecordsApi): ObjectTypeDefinition {
  return {
    label: 'record',
    shareable: true,
    async locate(tenantId, id) {
      const { deps } = api.parts;
      const record = await deps.records.find(tenantId, id);
      return record && accessibleRecord(deps.folders, record);
    },
    countInFolder: (tenantId, folderId, { transaction }) => api.parts.deps.records.countInFolder(tenantId, folderId, transaction),
    pageOf: (tenantSlug, id) => `/t/${tenantSlug}/records/${id}`,
  };
}
