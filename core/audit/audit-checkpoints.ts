import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import type { AuditSigningKey } from './audit-signing-key.ts';

/** A signed statement that a chain's entry `seq` had hash `hash` at time `at`. */
export interface AuditCheckpoint {
  chain: string;
  seq: number;
  hash: string;
  at: number;
  signature: string;
}

const signedText = (checkpoint: Omit<AuditCheckpoint, 'signature'>): string => JSON.stringify([checkpoint.chain, checkpoint.seq, checkpoint.hash, checkpoint.at]);

/**
 * Checkpoints in `<dataDir>/audit/checkpoints.jsonl`, one JSON line each, appended and fsynced. The file
 * is outside the database, so that rows deleted from the end of a chain (which leave no gap) are still found.
 */
export class AuditCheckpoints {
  readonly #file: string;
  readonly #key: AuditSigningKey;
  readonly #db: Database;

  constructor(deps: { file: string; key: AuditSigningKey; db: Database }) {
    this.#file = deps.file;
    this.#key = deps.key;
    this.#db = deps.db;
  }

  /** Every checkpoint in the file, oldest first, each with whether its signature holds. */
  read(): Array<AuditCheckpoint & { valid: boolean }> {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found: Array<AuditCheckpoint & { valid: boolean }> = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = JSON.parse(line) as AuditCheckpoint;
        found.push({ ...parsed, valid: typeof parsed.signature === 'string' && this.#key.verify(signedText(parsed), parsed.signature) });
      } catch {
        found.push({ chain: '?', seq: 0, hash: '', at: 0, signature: '', valid: false });
      }
    }
    return found;
  }

  /** Signs the head of every chain that moved since its last checkpoint and appends them; returns how many. */
  async writeMoved(now = Date.now()): Promise<number> {
    const latest = new Map<string, number>();
    for (const checkpoint of this.read()) if (checkpoint.valid) latest.set(checkpoint.chain, checkpoint.seq);
    const heads = await this.#db.sequelize.query<{ chain_id: string; seq: unknown; hash: string }>('SELECT chain_id, seq, hash FROM kirjuri_audit_heads ORDER BY chain_id', { type: QueryTypes.SELECT });
    const lines: string[] = [];
    for (const head of heads) {
      const seq = Number(head.seq);
      if (seq === 0 || latest.get(head.chain_id) === seq) continue;
      const checkpoint = { chain: head.chain_id, seq, hash: head.hash, at: now };
      lines.push(JSON.stringify({ ...checkpoint, signature: this.#key.sign(signedText(checkpoint)) }));
    }
    if (lines.length > 0) {
      mkdirSync(dirname(this.#file), { recursive: true });
      appendFileSync(this.#file, `${lines.join('\n')}\n`, { mode: 0o600 });
      const fd = openSync(this.#file, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    return lines.length;
  }
}
