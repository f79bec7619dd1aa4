// Blobs stored through the real keyring and format, with their ciphertext kept in memory (the BlobStore
// is not part of these tests), and tenants to own them.
import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { createApp, type KirjuriApp } from '../../core/app.ts';
import type { KirjuriConfig } from '../../core/config/config-schema.ts';
import { newId } from '../../core/db/new-id.ts';
import type { BlobRow } from '../../core/files/blob-catalog.ts';
import type { Tenant } from '../../core/tenants/tenant-store.ts';
import { decryptBlob, encryptBlob } from './blob-crypto.ts';
import { testPasswordHasher } from './create-test-app.ts';

/** One stored test blob: its row, its stored bytes and what it holds. */
export interface StoredBlob {
  row: BlobRow;
  stored: Buffer;
  plaintext: Buffer;
}

/** Makes a tenant with this slug. */
export function makeTenant(kirjuri: KirjuriApp, slug: string): Promise<Tenant> {
  return kirjuri.db.transaction((transaction) => kirjuri.identity.tenants.create({ name: `Tenant ${slug}`, slug }, transaction));
}

/** Encrypts random bytes as a new blob of the tenant and records its row, as an upload would. */
export async function storeBlob(kirjuri: KirjuriApp, tenantId: string, size = 1000): Promise<StoredBlob> {
  const id = newId();
  const dataKey = await kirjuri.keys.newDataKey(tenantId, id);
  const plaintext = randomBytes(size);
  const { stored, summary } = await encryptBlob({ key: dataKey.key, tenantId, blobId: id }, plaintext, dataKey.tenantKeyVersion);
  const row: BlobRow = {
    id, tenantId, storageKey: `memory/${id}`, ...summary, tenantKeyVersion: dataKey.tenantKeyVersion, wrappedKey: dataKey.wrapped, createdAt: Date.now(),
  };
  await kirjuri.db.transaction((transaction) => kirjuri.keys.blobs.insert(row, transaction));
  return { row, stored, plaintext };
}

/** Reads a stored blob back through its row as it is in the database now (its key may have been re-wrapped). */
export async function readBlob(kirjuri: KirjuriApp, blob: StoredBlob): Promise<Buffer> {
  const row = await kirjuri.keys.blobs.find(blob.row.tenantId, blob.row.id);
  if (!row) throw new Error(`Blob ${blob.row.id} has no row.`);
  return decryptBlob({ key: await kirjuri.keys.dataKeyOf(row), tenantId: row.tenantId, blobId: row.id }, blob.stored);
}

/** Boots another Kirjuri on the same data directory and database (the first one closed), with other key settings if asked. */
export function rebootWith(kirjuri: KirjuriApp, keys: Partial<KirjuriConfig['keys']> = {}): Promise<KirjuriApp> {
  return createApp({ ...kirjuri.config, keys: { ...kirjuri.config.keys, ...keys } }, { passwordHasher: testPasswordHasher() });
}

/** The instance audit entries about keys, oldest first. */
export async function keyAuditEntries(kirjuri: KirjuriApp): Promise<Array<{ action: string; objectType: string; objectId: string; details: Record<string, unknown>; raw: string }>> {
  const rows = await kirjuri.db.sequelize.query<{ action: string; object_type: string; object_id: string; details: string }>(
    "SELECT action, object_type, object_id, details FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND action LIKE 'keys.%' ORDER BY seq", { type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ action: row.action, objectType: row.object_type, objectId: row.object_id, details: JSON.parse(row.details) as Record<string, unknown>, raw: row.details }));
}

/** Where each tenant key row stands: "tenantId/version" to the master key version it is wrapped with. */
export async function tenantKeyRows(kirjuri: KirjuriApp): Promise<Map<string, number>> {
  const rows = await kirjuri.db.sequelize.query<{ tenant_id: string; version: unknown; kek_version: unknown }>('SELECT tenant_id, version, kek_version FROM kirjuri_tenant_keys', { type: QueryTypes.SELECT });
  return new Map(rows.map((row) => [`${row.tenant_id}/${Number(row.version)}`, Number(row.kek_version)]));
}
