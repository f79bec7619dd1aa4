import { hash } from 'node:crypto';
import type { AuditEvent } from './audit-event.ts';

/** The chain of the instance's own events; every tenant's chain is named by the tenant's id. */
export const instanceChain = 'instance';

/** The previous hash of a chain's first entry. */
export const genesisHash = '0'.repeat(64);

/** The chain an event belongs to. */
export const chainOf = (tenantId: string | null): string => tenantId ?? instanceChain;

/** One stored entry: every column, as the hash covers it. */
export interface AuditRow {
  chainId: string;
  seq: number;
  at: number;
  tenantId: string | null;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: string;
  /** The details as stored (JSON text): the hash covers exactly these characters. */
  details: string;
  prevHash: string;
  hash: string;
}

// What is hashed must be what the database gives back: a lone surrogate would be stored as U+FFFD (UTF-8
// has no such character) and PostgreSQL refuses NUL in text, so both are replaced before hashing. Cut
// first, then repair: cutting may split a surrogate pair.
const storable = (value: string): string => value.toWellFormed().replaceAll('\u0000', '\uFFFD');
const cut = (value: string | null, length: number): string | null => (value === null ? null : storable(value.slice(0, length)));

/** The columns of an event before it has a place in a chain (over-long values cut to their column). */
export function entryOf(event: AuditEvent, now = Date.now()): Omit<AuditRow, 'seq' | 'prevHash' | 'hash'> {
  return {
    chainId: chainOf(event.tenantId), at: event.at ?? now, tenantId: event.tenantId, actorId: event.actorId, actorEmail: cut(event.actorEmail, 254),
    action: storable(event.action.slice(0, 60)), objectType: cut(event.objectType, 40), objectId: cut(event.objectId, 64), ip: cut(event.ip, 64),
    userAgent: cut(event.userAgent, 300), outcome: storable(event.outcome), details: JSON.stringify(event.details ?? {}),
  };
}

/**
 * The hash of an entry: SHA-256 over a fixed-order JSON array of every column but the hash itself,
 * the previous entry's hash included, so that changing, removing or reordering any entry breaks
 * every link after it.
 */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  return hash('sha256', JSON.stringify([
    row.chainId, row.seq, row.at, row.tenantId, row.actorId, row.actorEmail, row.action, row.objectType, row.objectId,
    row.ip, row.userAgent, row.outcome, row.details, row.prevHash,
  ]), 'hex');
}

/** Places entries after a chain's head: their seq, prevHash and hash; returns them and the new head. */
export function chainAfter(head: { seq: number; hash: string }, entries: ReadonlyArray<Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>>): { rows: AuditRow[]; head: { seq: number; hash: string } } {
  let { seq, hash: previous } = head;
  const rows = entries.map((entry) => {
    seq += 1;
    const unhashed = { ...entry, seq, prevHash: previous };
    previous = entryHash(unhashed);
    return { ...unhashed, hash: previous };
  });
  return { rows, head: { seq, hash: previous } };
}
