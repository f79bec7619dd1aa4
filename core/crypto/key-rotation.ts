import type { Transaction } from 'sequelize';
import type { AuditEvent } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';

/** Who changes a key, for its audit entry; null from the command line. */
export interface KeyActor {
  id: string | null;
  email: string | null;
}

/** How a rotation runs: batch size, a hook after each committed batch, and who asked. */
export interface RotationOptions {
  /** Rows re-wrapped per transaction (default keys.rewrapBatchSize). */
  batchSize?: number;
  /**
   * Called after each committed batch with the rows re-wrapped so far. A test seam: a throw here is a
   * crash after that batch, and the next rotate() finishes the work.
   */
  afterBatch?: (progress: { rewrapped: number }) => void | Promise<void>;
  actor?: KeyActor;
}

/** What a rotation did. */
export interface RotationResult {
  /** The version every row is wrapped with now. */
  version: number;
  /** Whether this call made that version (false: it finished an earlier, interrupted rotation). */
  created: boolean;
  /** Rows re-wrapped by this call. */
  rewrapped: number;
  /** Versions deleted because nothing used them any more (tenant key rotation only). */
  retired: number[];
}

/** An instance audit entry about a key (never with key material in it). */
export function keyAuditEvent(action: 'keys.create' | 'keys.rotate' | 'keys.retire', object: { type: 'master-key' | 'tenant-key'; id: string }, details: Record<string, unknown>, actor?: KeyActor): AuditEvent {
  return {
    tenantId: null, action, actorId: actor?.id ?? null, actorEmail: actor?.email ?? null, objectType: object.type, objectId: object.id,
    ip: null, userAgent: null, outcome: 'success', details,
  };
}

/**
 * Runs `batch` in one transaction after another until it finds nothing left to re-wrap; each batch
 * commits on its own, so a crash loses at most the batch it was in, and the next run picks up the rows
 * still on an old version. Returns how many rows the batches changed.
 */
export async function rewrapInBatches(db: Database, batch: (transaction: Transaction) => Promise<{ found: number; changed: number }>, afterBatch: RotationOptions['afterBatch']): Promise<number> {
  let rewrapped = 0;
  for (;;) {
    const { found, changed } = await db.transaction(batch);
    if (found === 0) return rewrapped;
    rewrapped += changed;
    await afterBatch?.({ rewrapped });
  }
}
