import { QueryTypes, type Transaction } from 'sequelize';
import type { AuditRecorder } from '../audit/audit-event.ts';
import { keyAuditEvent } from './key-rotation.ts';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { BlobCatalog } from '../files/blob-catalog.ts';
import type { DataKey } from '../files/blob-format.ts';
import { BlobKeys, type NewDataKey, type WrappedDataKey } from '../files/blob-keys.ts';
import type { KeyService } from './key-service.ts';
import type { KeyActor, RotationOptions, RotationResult } from './key-rotation.ts';
import { retireMasterKey, rotateMasterKey, type MasterKeyRotationParts } from './master-key-rotation.ts';
import { registeredMasterKeyVersions, registerMasterKeyVersions, tenantKeysPerMasterKeyVersion } from './master-key-versions.ts';
import { loadMasterKeys, type MasterKeys } from './master-keys.ts';
import { retireTenantKey, rotateTenantKey, type TenantKeyRotationParts } from './tenant-key-rotation.ts';
import { TenantKeys } from './tenant-key-store.ts';

/** What `kirjuri keys status` shows: master key versions and tenant key versions, with the rows on each. */
export interface KeyringStatus {
  masterKey: {
    source: 'file' | 'environment';
    file: string | null;
    currentVersion: number;
    versions: Array<{ version: number; inKeySource: boolean; registered: boolean; tenantKeys: number }>;
  };
  tenantKeys: Array<{ tenantId: string; version: number; current: boolean; kekVersion: number; blobs: number }>;
}

/** What the keyring is built from. */
export interface KeyringOptions {
  db: Database;
  config: KirjuriConfig;
  log: Logger;
  audit: AuditRecorder;
}

/**
 * The keyring (DESIGN.md Data): the master key (KEK) versions, tenant keys wrapped by them, and blob
 * data keys wrapped by those; rotation and retirement of both kinds. createApp builds it as
 * `kirjuri.keys` before plugins bootstrap; plugins get its KeyService part as `core.keys`.
 */
export class Keyring implements KeyService {
  readonly masterKeys: MasterKeys;
  readonly tenantKeys: TenantKeys;
  readonly blobKeys: BlobKeys;
  /** The blob rows (kirjuri_blobs) whose data keys the keyring wraps. */
  readonly blobs: BlobCatalog;
  readonly #db: Database;
  readonly #masterParts: MasterKeyRotationParts;
  readonly #tenantParts: TenantKeyRotationParts;

  constructor(parts: { db: Database; masterKeys: MasterKeys; tenantKeys: TenantKeys; audit: AuditRecorder; batchSize: number }) {
    this.#db = parts.db;
    this.masterKeys = parts.masterKeys;
    this.tenantKeys = parts.tenantKeys;
    this.blobKeys = new BlobKeys(parts.tenantKeys);
    this.blobs = new BlobCatalog(parts.db);
    this.#masterParts = { db: parts.db, masterKeys: parts.masterKeys, tenantKeys: parts.tenantKeys, audit: parts.audit, batchSize: parts.batchSize };
    this.#tenantParts = { db: parts.db, tenantKeys: parts.tenantKeys, blobKeys: this.blobKeys, blobs: this.blobs, audit: parts.audit, batchSize: parts.batchSize };
  }

  newDataKey(tenantId: string, blobId: string, transaction?: Transaction): Promise<NewDataKey> {
    return this.blobKeys.newDataKey(tenantId, blobId, transaction);
  }

  dataKeyOf(row: WrappedDataKey, transaction?: Transaction): Promise<DataKey> {
    return this.blobKeys.dataKeyOf(row, transaction);
  }

  /** New master key version, every tenant key re-wrapped with it (resumable; see rotateMasterKey). */
  rotateMasterKey(options?: RotationOptions): Promise<RotationResult> {
    return rotateMasterKey(this.#masterParts, options);
  }

  /** Removes an unused master key version from the key file (see retireMasterKey). */
  retireMasterKey(version: number, options?: { actor?: KeyActor }): Promise<void> {
    return retireMasterKey(this.#masterParts, version, options);
  }

  /** New key version for the tenant, every data key of its blobs re-wrapped under it (resumable; see rotateTenantKey). */
  rotateTenantKey(tenantId: string, options?: RotationOptions): Promise<RotationResult> {
    return rotateTenantKey(this.#tenantParts, tenantId, options);
  }

  /** Deletes an unused older key version of the tenant (see retireTenantKey). */
  retireTenantKey(tenantId: string, version: number, options?: { actor?: KeyActor }): Promise<void> {
    return retireTenantKey(this.#tenantParts, tenantId, version, options);
  }

  /** Master key versions (key file and database) and tenant key versions, each with the rows on it. */
  async status(): Promise<KeyringStatus> {
    await this.masterKeys.reload();
    const [registered, usage] = await Promise.all([registeredMasterKeyVersions(this.#db), tenantKeysPerMasterKeyVersion(this.#db)]);
    const versions = [...new Set([...this.masterKeys.versions, ...registered, ...usage.keys()])].sort((a, b) => a - b);
    const rows = await this.#db.sequelize.query<{ tenant_id: string; version: unknown; kek_version: unknown; blobs: unknown }>(
      `SELECT k.tenant_id, k.version, k.kek_version,
         (SELECT COUNT(*) FROM kirjuri_blobs b WHERE b.tenant_id = k.tenant_id AND b.tenant_key_version = k.version) AS blobs
       FROM kirjuri_tenant_keys k ORDER BY k.tenant_id, k.version`,
      { type: QueryTypes.SELECT },
    );
    const newest = new Map<string, number>();
    for (const row of rows) newest.set(row.tenant_id, Math.max(newest.get(row.tenant_id) ?? 0, Number(row.version)));
    return {
      masterKey: {
        source: this.masterKeys.source, file: this.masterKeys.file, currentVersion: this.masterKeys.currentVersion,
        versions: versions.map((version) => ({ version, inKeySource: this.masterKeys.key(version) !== undefined, registered: registered.includes(version), tenantKeys: usage.get(version) ?? 0 })),
      },
      tenantKeys: rows.map((row) => ({
        tenantId: row.tenant_id, version: Number(row.version), current: newest.get(row.tenant_id) === Number(row.version), kekVersion: Number(row.kek_version), blobs: Number(row.blobs),
      })),
    };
  }

  /** Forgets the unwrapped keys held in memory. */
  close(): void {
    this.tenantKeys.clear();
  }
}

/**
 * Opens the keyring at start, after migrations: loads the master key (making the key file on a first
 * start), proves it is the right one by unwrapping one tenant key of every master key version in use,
 * and registers the key file's versions. A wrong, damaged or missing key stops start-up here with a
 * sentence, before anything could be encrypted under the wrong key or served as garbage.
 */
export async function openKeyring(options: KeyringOptions): Promise<Keyring> {
  const { db, config, log } = options;
  const usage = await tenantKeysPerMasterKeyVersion(db);
  const { keys: masterKeys, created } = await loadMasterKeys({ keys: config.keys, dataDir: config.dataDir, log: log.child({ part: 'keys' }), mayCreate: usage.size === 0 });
  const tenantKeys = new TenantKeys(db, masterKeys, options.audit);
  for (const kekVersion of usage.keys()) {
    const [row] = await db.sequelize.query<{ tenant_id: string; version: unknown; wrapped_key: string }>(
      'SELECT tenant_id, version, wrapped_key FROM kirjuri_tenant_keys WHERE kek_version = $1 ORDER BY tenant_id, version LIMIT 1', { bind: [kekVersion], type: QueryTypes.SELECT },
    );
    if (row) await tenantKeys.unwrap({ tenantId: row.tenant_id, version: Number(row.version), kekVersion, wrappedKey: row.wrapped_key });
  }
  const registered = await registeredMasterKeyVersions(db);
  const unregistered = masterKeys.versions.filter((version) => !registered.includes(version));
  if (unregistered.length > 0 || created) {
    await db.transaction(async (transaction) => {
      if (unregistered.length > 0) await registerMasterKeyVersions(db, unregistered, transaction);
      // The key file made at this first start: where it is, never what it holds.
      if (created) await options.audit.record(keyAuditEvent('keys.create', { type: 'master-key', id: String(masterKeys.currentVersion) }, { key: 'master', version: masterKeys.currentVersion, file: masterKeys.file }), transaction);
    });
  }
  return new Keyring({ db, masterKeys, tenantKeys, audit: options.audit, batchSize: config.keys.rewrapBatchSize });
}
