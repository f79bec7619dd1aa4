import type { Transaction } from 'sequelize';
import type { DataKey } from '../files/blob-format.ts';
import type { NewDataKey, WrappedDataKey } from '../files/blob-keys.ts';

/**
 * Core's key service for plugins (`core.keys`): data keys for the blobs a plugin stores (image
 * variants, reports), wrapped by the tenant's key. Rotation and retirement stay with core's CLI.
 */
export interface KeyService {
  /** A data key for a new blob of the tenant; store `wrapped` and `tenantKeyVersion` in its row. */
  newDataKey(tenantId: string, blobId: string, transaction?: Transaction): Promise<NewDataKey>;
  /** The data key of a stored blob's row; a KeyringError when the row's wrapped key does not unwrap. */
  dataKeyOf(row: WrappedDataKey, transaction?: Transaction): Promise<DataKey>;
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.keys': KeyService;
  }
}
