import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import type { BenchScenario } from '../bench-scenario.ts';
import { createApp } from '../../core/app.ts';
import { loadConfig } from '../../core/config/index.ts';
import { chainAfter, entryOf, genesisHash } from '../../core/audit/audit-chain.ts';
import { median, rounded } from '../statistics.ts';

const entries = 1_000_000;
const rowsPerInsert = 500;
const columns = 'chain_id, seq, at, tenant_id, actor_id, actor_email, action, object_type, object_id, ip, user_agent, outcome, details, prev_hash, hash';

/**
 * `kirjuri audit verify`'s work over one chain of 1,000,000 entries on SQLite: every row read back in
 * seq order, every hash recomputed, the head and checkpoints compared. The chain is written first
 * (not timed) with the same hashing the audit log uses.
 */
export const auditVerifyScenario: BenchScenario = {
  name: 'audit-verify',
  description: 'Verifying an audit chain of 1,000,000 entries on SQLite (target: at least 300,000 entries/s).',
  async run(settings) {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-bench-audit-'));
    const config = loadConfig({ env: { KIRJURI_LOG_LEVEL: 'warn' }, overrides: { dataDir: join(dir, 'data'), keys: { masterKeyFile: join(dir, 'keys', 'master.key') }, jobs: { enabled: false } } });
    const kirjuri = await createApp(config);
    try {
      let head = { seq: 0, hash: genesisHash };
      const started = Date.now() - entries;
      for (let written = 0; written < entries;) {
        await kirjuri.db.transaction(async (transaction) => {
          for (let inBatch = 0; inBatch < 100 && written < entries; inBatch += 1) {
            const count = Math.min(rowsPerInsert, entries - written);
            const batch = Array.from({ length: count }, (_, i) => entryOf({
              tenantId: null, action: 'record.view', actorId: 'c0ffee00-0000-4000-8000-000000000001', actorEmail: 'maija.meikalainen@example.com', objectType: 'record',
              objectId: `6f1c2d3e-4b5a-4c6d-8e7f-${String(written + i).padStart(12, '0')}`, ip: '192.0.2.10', userAgent: 'Mozilla/5.0 (Linux; Android 14) Mobile',
              outcome: 'success', details: { via: 'session' }, at: started + written + i,
            }));
            const placed = chainAfter(head, batch);
            head = placed.head;
            const marks = placed.rows.map((_, r) => `(${Array.from({ length: 15 }, (__, c) => `$${r * 15 + c + 1}`).join(', ')})`).join(', ');
            const bind = placed.rows.flatMap((row) => [row.chainId, row.seq, row.at, row.tenantId, row.actorId, row.actorEmail, row.action, row.objectType, row.objectId, row.ip, row.userAgent, row.outcome, row.details, row.prevHash, row.hash]);
            await kirjuri.db.sequelize.query(`INSERT INTO kirjuri_audit_entries (${columns}) VALUES ${marks}`, { bind, type: QueryTypes.INSERT, transaction });
            written += count;
          }
          await kirjuri.db.sequelize.query("INSERT INTO kirjuri_audit_heads (chain_id, seq, hash) VALUES ('instance', $1, $2) ON CONFLICT (chain_id) DO UPDATE SET seq = $1, hash = $2", { bind: [head.seq, head.hash], type: QueryTypes.INSERT, transaction });
        });
      }
      await kirjuri.audit.checkpoints.writeMoved();
      const seconds: number[] = [];
      for (let round = 0; round < Math.max(3, Math.min(settings.rounds, 5)); round += 1) {
        const t0 = performance.now();
        const verdict = await kirjuri.audit.verifier.verify('instance');
        seconds.push((performance.now() - t0) / 1000);
        if (!verdict.ok || verdict.checked !== entries) throw new Error(`The benchmark chain did not verify: ${JSON.stringify(verdict)}`);
      }
      const rate = entries / median(seconds);
      return [
        `audit-verify: ${entries.toLocaleString('en')} entries, ${seconds.length} runs, median ${rounded(median(seconds), 2)} s (runs: ${seconds.map((s) => rounded(s, 2)).join(', ')})`,
        `${rounded(rate).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} entries/s (target >= 300,000): ${rate >= 300_000 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await kirjuri.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
