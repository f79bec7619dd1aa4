import { QueryTypes, type Transaction } from 'sequelize';
import type { AuditRecorder } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { KeyringError } from './keyring-error.ts';
import { withKeysLock } from './keys-lock.ts';
import { keyAuditEvent, rewrapInBatches, type KeyActor, type RotationOptions, type RotationResult } from './key-rotation.ts';
import { wrapKey } from './key-wrapping.ts';
import { deleteMasterKeyVersion, registeredMasterKeyVersions, registerMasterKeyVersions } from './master-key-versions.ts';
import type { MasterKeys } from './master-keys.ts';
import { tenantKeyContext, type TenantKeys } from './tenant-key-store.ts';

/** What master key rotation works on. */
export interface MasterKeyRotationParts {
  db: Database;
  masterKeys: MasterKeys;
  tenantKeys: TenantKeys;
  audit: AuditRecorder;
  batchSize: number;
}

/**
 * Rotates the master key: appends a new version to the key file (atomically) and re-wraps every tenant
 * key still wrapped with an older one, a batch per transaction. When an earlier rotation stopped
 * midway (rows still on an older version), this finishes it instead of adding yet another version.
 * The new version is in the key file, durably, before any row is wrapped with it.
 */
export async function rotateMasterKey(parts: MasterKeyRotationParts, options: RotationOptions = {}): Promise<RotationResult> {
  const { db, masterKeys, tenantKeys, audit } = parts;
  masterKeys.requireFile('rotate the master key');
  const { version, created, previous } = await withFreshKeyFile(parts, async (transaction, registered) => {
    const current = masterKeys.currentVersion;
    const [{ count }] = await db.sequelize.query<{ count: unknown }>('SELECT COUNT(*) AS count FROM kirjuri_tenant_keys WHERE kek_version < $1', { bind: [current], type: QueryTypes.SELECT, transaction }) as [{ count: unknown }];
    if (Number(count) > 0) return { version: current, created: false, previous: current };
    const next = masterKeys.withNewVersion(Math.max(0, ...registered));
    await registerMasterKeyVersions(db, [next.version], transaction);
    await audit.record(keyAuditEvent('keys.rotate', { type: 'master-key', id: String(next.version) }, { key: 'master', step: 'started', version: next.version, previousVersion: current }, options.actor), transaction);
    // Last before the commit: if writing the file fails, the version is not registered either.
    await masterKeys.replace(next.versions);
    return { version: next.version, created: true, previous: current };
  });
  const kek = masterKeys.key(version)!;
  const rewrapped = await rewrapInBatches(db, async (transaction) => {
    const rows = await db.sequelize.query<{ tenant_id: string; version: unknown; kek_version: unknown; wrapped_key: string }>(
      'SELECT tenant_id, version, kek_version, wrapped_key FROM kirjuri_tenant_keys WHERE kek_version < $1 ORDER BY tenant_id, version LIMIT $2',
      { bind: [version, options.batchSize ?? parts.batchSize], type: QueryTypes.SELECT, transaction },
    );
    let changed = 0;
    for (const row of rows) {
      const wrappedRow = { tenantId: row.tenant_id, version: Number(row.version), kekVersion: Number(row.kek_version), wrappedKey: row.wrapped_key };
      const key = await tenantKeys.unwrap(wrappedRow);
      changed += await db.execute(
        'UPDATE kirjuri_tenant_keys SET kek_version = $1, wrapped_key = $2 WHERE tenant_id = $3 AND version = $4 AND kek_version = $5',
        [version, wrapKey(kek, key, tenantKeyContext(wrappedRow.tenantId, wrappedRow.version, version)), wrappedRow.tenantId, wrappedRow.version, wrappedRow.kekVersion], transaction,
      );
    }
    return { found: rows.length, changed };
  }, options.afterBatch);
  await db.transaction((transaction) => audit.record(
    keyAuditEvent('keys.rotate', { type: 'master-key', id: String(version) }, { key: 'master', step: 'completed', version, createdNow: created, previousVersion: previous, rewrapped }, options.actor),
    transaction,
  ));
  return { version, created, rewrapped, retired: [] };
}

/**
 * Retires master key version `version`: removes it from the key file once no tenant key is wrapped
 * with it any more (else a sentence saying how many are, and to rotate first). The current version
 * cannot be retired.
 */
export async function retireMasterKey(parts: MasterKeyRotationParts, version: number, options: { actor?: KeyActor } = {}): Promise<void> {
  const { db, masterKeys, audit } = parts;
  masterKeys.requireFile('retire a master key version');
  await withFreshKeyFile(parts, async (transaction) => {
    if (!masterKeys.key(version)) throw new KeyringError(`${capitalised(masterKeys.description)} has no version ${version}: it holds ${masterKeys.versions.map((v) => `v${v}`).join(', ')} (see kirjuri keys status).`);
    if (version === masterKeys.currentVersion) throw new KeyringError(`Master key version ${version} is the current one and cannot be retired: run kirjuri keys rotate first, then retire version ${version}.`);
    const [{ count }] = await db.sequelize.query<{ count: unknown }>('SELECT COUNT(*) AS count FROM kirjuri_tenant_keys WHERE kek_version = $1', { bind: [version], type: QueryTypes.SELECT, transaction }) as [{ count: unknown }];
    const using = Number(count);
    if (using > 0) throw new KeyringError(`${using} tenant key${using === 1 ? ' is' : 's are'} still wrapped with master key version ${version}: run kirjuri keys rotate to re-wrap ${using === 1 ? 'it' : 'them'}, then retire version ${version}.`);
    await deleteMasterKeyVersion(db, version, transaction);
    await audit.record(keyAuditEvent('keys.retire', { type: 'master-key', id: String(version) }, { key: 'master', version }, options.actor), transaction);
    const remaining = new Map(masterKeys.versions.filter((v) => v !== version).map((v) => [v, masterKeys.key(v)!]));
    await masterKeys.replace(remaining);
  });
}

/**
 * Runs `work` under the keys lock with the key file read again (another process may have changed it)
 * and every version in it registered: a rotation that wrote the file and crashed before its commit
 * left a version the database does not know yet.
 */
async function withFreshKeyFile<T>(parts: MasterKeyRotationParts, work: (transaction: Transaction, registered: number[]) => Promise<T>): Promise<T> {
  return withKeysLock(parts.db, async (transaction) => {
    await parts.masterKeys.reload();
    const registered = await registeredMasterKeyVersions(parts.db, transaction);
    await registerMasterKeyVersions(parts.db, parts.masterKeys.versions.filter((v) => !registered.includes(v)), transaction);
    return work(transaction, registered);
  });
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
