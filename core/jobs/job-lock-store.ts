import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/*
 * SQL over kirjuri_job_locks (core/db/migrations/20261122-01-job-locks.ts). Times are epoch
 * milliseconds in BIGINT columns so that the same comparisons run on SQLite and PostgreSQL. Every
 * statement is a single autocommit statement: atomic on both, and on SQLite it queues for the writer
 * like any other write.
 */

/** How a job run ended, as recorded in last_outcome. */
export type JobOutcome = 'succeeded' | 'failed' | 'timed-out' | 'aborted';

/** One job's lock row, as read back (for status displays and tests). */
export interface JobLockRow {
  name: string;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastOutcome: JobOutcome | null;
  lastError: string | null;
}

/** The longest error message kept in last_error; the full error is in the log. */
const maxErrorLength = 2000;

/** Creates a job's lock row unless it exists (every node may race to do this; all but one do nothing). */
export async function ensureJobLockRow(db: Database, name: string): Promise<void> {
  await db.sequelize.query('INSERT INTO kirjuri_job_locks (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', { bind: [name], type: QueryTypes.RAW });
}

/**
 * Claims a job for one run in ONE statement, so two nodes can never both succeed: the row must be due
 * (never started, or last started at least intervalMs ago) and unlocked (never locked, or its lock
 * expired). PostgreSQL re-checks the WHERE on the row a concurrent claimer just updated; SQLite runs
 * writers one at a time. Returns whether this node got it.
 */
export async function claimJobLock(db: Database, claim: { name: string; nodeId: string; now: number; intervalMs: number; timeoutMs: number }): Promise<boolean> {
  const changed = await db.sequelize.query(
    `UPDATE kirjuri_job_locks SET locked_by = $1, locked_until = $2, last_started_at = $3
     WHERE name = $4 AND (locked_until IS NULL OR locked_until <= $3) AND (last_started_at IS NULL OR last_started_at <= $5)`,
    { bind: [claim.nodeId, claim.now + claim.timeoutMs, claim.now, claim.name, claim.now - claim.intervalMs], type: QueryTypes.BULKUPDATE },
  );
  return Number(changed) === 1;
}

/**
 * Records how a run ended and unlocks the row, only if this node's claim of that run still holds.
 * Returns false when the lock had expired and another node claimed the job meanwhile: then the row
 * is theirs and this run's outcome is only logged.
 */
export async function finishJobLock(db: Database, finish: { name: string; nodeId: string; startedAt: number; finishedAt: number; outcome: JobOutcome; error: string | null }): Promise<boolean> {
  const error = finish.error === null ? null : finish.error.slice(0, maxErrorLength);
  const changed = await db.sequelize.query(
    `UPDATE kirjuri_job_locks SET locked_by = NULL, locked_until = NULL, last_finished_at = $1, last_outcome = $2, last_error = $3
     WHERE name = $4 AND locked_by = $5 AND last_started_at = $6`,
    { bind: [finish.finishedAt, finish.outcome, error, finish.name, finish.nodeId, finish.startedAt], type: QueryTypes.BULKUPDATE },
  );
  return Number(changed) === 1;
}

/** Reads one job's lock row, or null when the job never ran anywhere. */
export async function readJobLock(db: Database, name: string): Promise<JobLockRow | null> {
  const rows = await db.sequelize.query<Record<string, string | number | null>>(
    'SELECT name, locked_by, locked_until, last_started_at, last_finished_at, last_outcome, last_error FROM kirjuri_job_locks WHERE name = $1',
    { bind: [name], type: QueryTypes.SELECT },
  );
  const row = rows[0];
  if (!row) return null;
  // PostgreSQL returns BIGINT as a string (it may exceed 2^53); epoch milliseconds never do.
  const time = (value: string | number | null): number | null => (value === null ? null : Number(value));
  return {
    name: String(row.name),
    lockedBy: row.locked_by === null ? null : String(row.locked_by),
    lockedUntil: time(row.locked_until),
    lastStartedAt: time(row.last_started_at),
    lastFinishedAt: time(row.last_finished_at),
    lastOutcome: row.last_outcome as JobOutcome | null,
    lastError: row.last_error === null ? null : String(row.last_error),
  };
}
