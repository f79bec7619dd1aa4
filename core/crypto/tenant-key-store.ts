import type { KeyObject } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { AuditRecorder } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { keyAuditEvent } from './key-rotation.ts';
import { KeyringError } from './keyring-error.ts';
import { newSecretKey, unwrapKey, wrapKey, type KeyContext } from './key-wrapping.ts';
import type { MasterKeys } from './master-keys.ts';

/** A tenant key row as stored (kirjuri_tenant_keys), key still wrapped. */
export interface WrappedTenantKey {
  tenantId: string;
  version: number;
  kekVersion: number;
  wrappedKey: string;
}

/** One version of a tenant's key, unwrapped. */
export interface TenantKey {
  tenantId: string;
  version: number;
  key: KeyObject;
}

interface TenantKeyRow { tenant_id: string; version: unknown; kek_version: unknown; wrapped_key: string }

const toWrapped = (row: TenantKeyRow): WrappedTenantKey => ({ tenantId: row.tenant_id, version: Number(row.version), kekVersion: Number(row.kek_version), wrappedKey: row.wrapped_key });

const latestSql = 'SELECT tenant_id, version, kek_version, wrapped_key FROM kirjuri_tenant_keys WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1';
const versionSql = 'SELECT tenant_id, version, kek_version, wrapped_key FROM kirjuri_tenant_keys WHERE tenant_id = $1 AND version = $2';

/** What a tenant key is bound to when wrapped: purpose, tenant, its version, and the master key version wrapping it. */
export function tenantKeyContext(tenantId: string, version: number, kekVersion: number): KeyContext {
  return ['kirjuri.tenant-key', tenantId, version, kekVersion];
}

/**
 * Tenant keys: one random 256-bit key per tenant per version, stored wrapped by the master key, made
 * on first need. Unwrapped keys are kept in memory once read from committed rows (a re-wrap by a
 * rotation changes the row, never the key), so a download costs no master key operation.
 */
export class TenantKeys {
  readonly #db: Database;
  readonly #masterKeys: MasterKeys;
  /** Where the first key of a tenant is recorded (keys.create); none in tests of the store alone. */
  readonly #audit: AuditRecorder | null;
  readonly #unwrapped = new Map<string, KeyObject>();

  constructor(db: Database, masterKeys: MasterKeys, audit?: AuditRecorder) {
    this.#db = db;
    this.#masterKeys = masterKeys;
    this.#audit = audit ?? null;
  }

  /**
   * The tenant's current key (its highest version), made as version 1 when the tenant has none yet:
   * inside `transaction` when given (then it exists only if that transaction commits), else in its own.
   */
  async current(tenantId: string, transaction?: Transaction): Promise<TenantKey> {
    const [row] = transaction ? await this.#db.selectIn<TenantKeyRow>(latestSql, [tenantId], transaction) : await this.#db.selectRows<TenantKeyRow>(latestSql, [tenantId]);
    if (row) return { tenantId, version: Number(row.version), key: await this.#unwrapRow(toWrapped(row), transaction) };
    const made = transaction ? await this.#makeFirst(tenantId, transaction) : await this.#db.transaction((own) => this.#makeFirst(tenantId, own));
    return { tenantId, version: made.version, key: await this.#unwrapRow(made, transaction) };
  }

  /** The tenant's key of `version`; a version the tenant does not have is a KeyringError. */
  async key(tenantId: string, version: number, transaction?: Transaction): Promise<KeyObject> {
    const cached = this.#unwrapped.get(cacheKey(tenantId, version));
    if (cached) return cached;
    const [row] = transaction ? await this.#db.selectIn<TenantKeyRow>(versionSql, [tenantId, version], transaction) : await this.#db.selectRows<TenantKeyRow>(versionSql, [tenantId, version]);
    if (!row) throw new KeyringError(`Tenant ${tenantId} has no key version ${version}: the row that refers to it was changed, or the version was retired while it was still read. Try again; if it keeps failing, restore the database from a backup.`);
    return this.#unwrapRow(toWrapped(row), transaction);
  }

  /**
   * Adds version `version` of the tenant's key, wrapped with the current master key, inside the
   * caller's transaction (a rotation's); false when that version exists already.
   */
  async create(tenantId: string, version: number, transaction: Transaction): Promise<boolean> {
    // Another process may have added a master key version since this one read the file.
    await this.#masterKeys.reload();
    const kekVersion = this.#masterKeys.currentVersion;
    const wrapped = wrapKey(this.#masterKeys.key(kekVersion)!, newSecretKey(), tenantKeyContext(tenantId, version, kekVersion));
    try {
      return await this.#db.execute(
        'INSERT INTO kirjuri_tenant_keys (tenant_id, version, kek_version, wrapped_key, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, version) DO NOTHING',
        [tenantId, version, kekVersion, wrapped, Date.now()], transaction,
      ) === 1;
    } catch (error) {
      if (/foreign key/i.test((error as Error).message)) throw new KeyringError(`A key for tenant ${tenantId} cannot be made: there is no such tenant (or master key version ${kekVersion} is not registered; restart Kirjuri).`, { cause: error });
      throw error;
    }
  }

  /** The unwrapped key of a stored row (a KeyringError when the master key does not unwrap it). */
  async unwrap(row: WrappedTenantKey): Promise<KeyObject> {
    const kek = await this.#masterKeys.keyOrReload(row.kekVersion);
    if (!kek) {
      throw new KeyringError(`Tenant ${row.tenantId}'s key version ${row.version} is wrapped with master key version ${row.kekVersion}, which ${this.#masterKeys.description} does not hold: restore the key file that has it from its backup.`);
    }
    const key = unwrapKey(kek, row.wrappedKey, tenantKeyContext(row.tenantId, row.version, row.kekVersion));
    if (!key) {
      throw new KeyringError(`Tenant ${row.tenantId}'s key version ${row.version} does not unwrap with master key version ${row.kekVersion} of ${this.#masterKeys.description}: this is not the master key the database's keys were made with, or the key row was changed. Start Kirjuri with the right master key (restore the key file from its backup); if it is the right one, restore the database from a backup.`);
    }
    return key;
  }

  /** Forgets the unwrapped key of a retired version. */
  forget(tenantId: string, version: number): void {
    this.#unwrapped.delete(cacheKey(tenantId, version));
  }

  /** Forgets every unwrapped key (the app is closing). */
  clear(): void {
    this.#unwrapped.clear();
  }

  async #makeFirst(tenantId: string, transaction: Transaction): Promise<WrappedTenantKey> {
    // Two first files at once: the second finds the first's key and makes none (and no entry).
    if (await this.create(tenantId, 1, transaction)) {
      await this.#audit?.record(keyAuditEvent('keys.create', { type: 'tenant-key', id: `${tenantId}:1` }, { key: 'tenant', tenantId, version: 1, kekVersion: this.#masterKeys.currentVersion }), transaction);
    }
    // Whoever made it (this call, or another node at the same moment), version 1 is the tenant's key now.
    const [row] = await this.#db.sequelize.query<TenantKeyRow>(latestSql, { bind: [tenantId], type: QueryTypes.SELECT, transaction });
    return toWrapped(row!);
  }

  /**
   * Unwraps a row and remembers the key, but only once the row is committed: a key made in a
   * transaction that rolls back must not be used later under the same version number.
   */
  async #unwrapRow(row: WrappedTenantKey, transaction?: Transaction): Promise<KeyObject> {
    const name = cacheKey(row.tenantId, row.version);
    const cached = this.#unwrapped.get(name);
    if (cached) return cached;
    const key = await this.unwrap(row);
    if (transaction) transaction.afterCommit(() => { this.#unwrapped.set(name, key); });
    else this.#unwrapped.set(name, key);
    return key;
  }
}

function cacheKey(tenantId: string, version: number): string {
  return `${tenantId}\u0000${version}`;
}
