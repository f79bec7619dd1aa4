import { QueryTypes, type Transaction } from 'sequelize';
import type { AuditRecorder } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import type { BlobCatalog } from '../files/blob-catalog.ts';
import type { BlobKeys } from '../files/blob-keys.ts';
import { KeyringError } from './keyring-error.ts';
import { withKeysLock } from './keys-lock.ts';
import { keyAuditEvent, rewrapInBatches, type KeyActor, type RotationOptions, type RotationResult } from './key-rotation.ts';
import type { TenantKeys } from './tenant-key-store.ts';

/** What tenant key rotation works on. */
export interface TenantKeyRotationParts {
  db: Database;
  tenantKeys: TenantKeys;
  blobKeys: BlobKeys;
  blobs: BlobCatalog;
  audit: AuditRecorder;
  batchSize: number;
}

// Blobs stored while a rotation runs may still get the old version (their key was made just before):
// a few more rounds pick them up.
const maxRounds = 3;

/**
 * Rotates a tenant's key: makes a new version (wrapped with the current master key) and re-wraps every
 * data key of the tenant's blobs still under an older one, a batch per transaction, then deletes the
 * older versions nothing uses any more. When an earlier rotation stopped midway (older versions still
 * there), this finishes it instead of making another version.
 */
export async function rotateTenantKey(parts: TenantKeyRotationParts, tenantId: string, options: RotationOptions = {}): Promise<RotationResult> {
  const { db, tenantKeys, blobKeys, blobs, audit } = parts;
  const { version, created, previous } = await withKeysLock(db, async (transaction) => {
    const versions = await tenantKeyVersions(db, tenantId, transaction);
    const current = versions.at(-1) ?? 0;
    if (versions.length > 1) return { version: current, created: false, previous: current };
    const next = current + 1;
    await tenantKeys.create(tenantId, next, transaction);
    await audit.record(keyAuditEvent('keys.rotate', { type: 'tenant-key', id: tenantId }, { key: 'tenant', step: 'started', tenantId, version: next, previousVersion: current || null }, options.actor), transaction);
    return { version: next, created: true, previous: current };
  });

  let rewrapped = 0;
  const retired: number[] = [];
  for (let round = 1; ; round += 1) {
    rewrapped += await rewrapInBatches(db, async (transaction) => {
      const rows = await blobs.wrappedBelow(tenantId, version, options.batchSize ?? parts.batchSize, transaction);
      let changed = 0;
      for (const row of rows) {
        if (await blobs.updateWrappedKey(row, version, await blobKeys.rewrap(row, version, transaction), transaction)) changed += 1;
      }
      return { found: rows.length, changed };
    }, options.afterBatch);
    const { deleted, left } = await withKeysLock(db, async (transaction) => {
      const deletedNow = await deleteUnusedVersionsBelow(db, tenantId, version, transaction);
      const leftNow = (await tenantKeyVersions(db, tenantId, transaction)).filter((v) => v < version);
      if (leftNow.length === 0) {
        await audit.record(keyAuditEvent('keys.rotate', { type: 'tenant-key', id: tenantId }, {
          key: 'tenant', step: 'completed', tenantId, version, createdNow: created, previousVersion: previous || null, rewrapped: rewrapped, retired: [...retired, ...deletedNow],
        }, options.actor), transaction);
      }
      return { deleted: deletedNow, left: leftNow };
    });
    retired.push(...deleted);
    for (const old of deleted) tenantKeys.forget(tenantId, old);
    if (left.length === 0) return { version, created, rewrapped, retired };
    if (round === maxRounds) {
      throw new KeyringError(`Tenant ${tenantId}'s key versions ${left.join(', ')} are still used by blobs stored while the rotation ran: run the tenant key rotation again to finish it.`);
    }
  }
}

/**
 * Retires version `version` of a tenant's key once no blob's data key is wrapped under it (else a
 * sentence saying how many are, and to rotate first). The current version cannot be retired.
 */
export async function retireTenantKey(parts: TenantKeyRotationParts, tenantId: string, version: number, options: { actor?: KeyActor } = {}): Promise<void> {
  const { db, audit } = parts;
  await withKeysLock(db, async (transaction) => {
    const versions = await tenantKeyVersions(db, tenantId, transaction);
    if (!versions.includes(version)) {
      throw new KeyringError(`Tenant ${tenantId} has no key version ${version}${versions.length ? `: it has ${versions.map((v) => `v${v}`).join(', ')}` : ' (it has no key yet)'}.`);
    }
    if (version === versions.at(-1)) throw new KeyringError(`Key version ${version} is tenant ${tenantId}'s current one and cannot be retired: rotate the tenant's key first.`);
    const using = await blobsUnder(db, tenantId, version, transaction);
    if (using > 0) throw new KeyringError(`${using} blob${using === 1 ? '' : 's'} of tenant ${tenantId} still ${using === 1 ? 'has its' : 'have their'} data key wrapped under key version ${version}: rotate the tenant's key to re-wrap ${using === 1 ? 'it' : 'them'}, then retire version ${version}.`);
    await db.sequelize.query('DELETE FROM kirjuri_tenant_keys WHERE tenant_id = $1 AND version = $2', { bind: [tenantId, version], type: QueryTypes.DELETE, transaction });
    await audit.record(keyAuditEvent('keys.retire', { type: 'tenant-key', id: tenantId }, { key: 'tenant', tenantId, version }, options.actor), transaction);
  });
  parts.tenantKeys.forget(tenantId, version);
}

/** The tenant's key versions, lowest first. */
async function tenantKeyVersions(db: Database, tenantId: string, transaction: Transaction): Promise<number[]> {
  const rows = await db.sequelize.query<{ version: unknown }>('SELECT version FROM kirjuri_tenant_keys WHERE tenant_id = $1 ORDER BY version', { bind: [tenantId], type: QueryTypes.SELECT, transaction });
  return rows.map((row) => Number(row.version));
}

async function blobsUnder(db: Database, tenantId: string, version: number, transaction: Transaction): Promise<number> {
  const [row] = await db.sequelize.query<{ count: unknown }>('SELECT COUNT(*) AS count FROM kirjuri_blobs WHERE tenant_id = $1 AND tenant_key_version = $2', { bind: [tenantId, version], type: QueryTypes.SELECT, transaction });
  return Number(row?.count ?? 0);
}

/** Deletes the tenant's key versions below `version` that no blob uses; returns which. */
async function deleteUnusedVersionsBelow(db: Database, tenantId: string, version: number, transaction: Transaction): Promise<number[]> {
  const deleted: number[] = [];
  for (const old of (await tenantKeyVersions(db, tenantId, transaction)).filter((v) => v < version)) {
    if (await blobsUnder(db, tenantId, old, transaction) > 0) continue;
    await db.sequelize.query('DELETE FROM kirjuri_tenant_keys WHERE tenant_id = $1 AND version = $2', { bind: [tenantId, old], type: QueryTypes.DELETE, transaction });
    deleted.push(old);
  }
  return deleted;
}
