import type { Transaction } from 'sequelize';
import { KeyringError } from '../crypto/keyring-error.ts';
import { newSecretKey, unwrapKey, wrapKey, type KeyContext } from '../crypto/key-wrapping.ts';
import type { TenantKeys } from '../crypto/tenant-key-store.ts';
import type { DataKey } from './blob-format.ts';

/** A new blob's data key: the key to encrypt with, and what its row stores (wrapped key, tenant key version). */
export interface NewDataKey {
  key: DataKey;
  /** The data key wrapped by the tenant key: the row's wrapped_key. */
  wrapped: string;
  /** The tenant key version it is wrapped under: the row's tenant_key_version (and the header's). */
  tenantKeyVersion: number;
}

/** The parts of a blob row that find and unwrap its data key. */
export interface WrappedDataKey {
  id: string;
  tenantId: string;
  tenantKeyVersion: number;
  wrappedKey: string;
}

/** What a data key is bound to when wrapped: purpose, tenant, blob, and the tenant key version wrapping it. */
export function dataKeyContext(tenantId: string, blobId: string, tenantKeyVersion: number): KeyContext {
  return ['kirjuri.data-key', tenantId, blobId, tenantKeyVersion];
}

/**
 * Blob data keys: one random 256-bit key per blob, wrapped by its tenant's current key, so that a
 * wrapped key moved to another blob's or tenant's row does not unwrap.
 */
export class BlobKeys {
  readonly #tenantKeys: TenantKeys;

  constructor(tenantKeys: TenantKeys) {
    this.#tenantKeys = tenantKeys;
  }

  /**
   * A data key for a new blob of the tenant (whose key is made on first need: inside `transaction`
   * when given). Call it before encrypting; store `wrapped` and `tenantKeyVersion` in the blob's row.
   */
  async newDataKey(tenantId: string, blobId: string, transaction?: Transaction): Promise<NewDataKey> {
    const tenantKey = await this.#tenantKeys.current(tenantId, transaction);
    const key = newSecretKey();
    return { key, wrapped: wrapKey(tenantKey.key, key, dataKeyContext(tenantId, blobId, tenantKey.version)), tenantKeyVersion: tenantKey.version };
  }

  /** The data key of a blob row; a KeyringError when it does not unwrap (a changed or moved row). */
  async dataKeyOf(row: WrappedDataKey, transaction?: Transaction): Promise<DataKey> {
    const tenantKey = await this.#tenantKeys.key(row.tenantId, row.tenantKeyVersion, transaction);
    const key = unwrapKey(tenantKey, row.wrappedKey, dataKeyContext(row.tenantId, row.id, row.tenantKeyVersion));
    if (!key) {
      throw new KeyringError(`The data key of blob ${row.id} does not unwrap with tenant ${row.tenantId}'s key version ${row.tenantKeyVersion}: the blob's row was changed, or its key was copied from another blob or tenant. Restore the blob's row from a backup.`);
    }
    return key;
  }

  /** The row's data key wrapped again under tenant key version `toVersion` (a rotation's re-wrap). */
  async rewrap(row: WrappedDataKey, toVersion: number, transaction: Transaction): Promise<string> {
    const key = await this.dataKeyOf(row, transaction);
    return wrapKey(await this.#tenantKeys.key(row.tenantId, toVersion, transaction), key, dataKeyContext(row.tenantId, row.id, toVersion));
  }
}
