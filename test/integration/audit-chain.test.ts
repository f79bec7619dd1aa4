import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import sinon from 'sinon';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';
import type { AuditEvent } from '../../core/audit/audit-event.ts';
import { retentionCutoff } from '../../core/audit/audit-retention.ts';
import { AuditLog } from '../../core/audit/audit-log.ts';
import { testLogger } from '../helpers/test-databases.ts';

const event = (n: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  tenantId: null, action: 'record.view', actorId: `user-${n % 3}`, actorEmail: `user${n % 3}@example.com`, objectType: 'record', objectId: `r${n}`,
  ip: '127.0.0.1', userAgent: 'test', outcome: 'success', details: { n }, ...extra,
});

forEachDatabase('the audit hash chain', (kind) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(kind);
  });
  afterEach(async () => app?.close());

  const write = async (count: number, extra: Partial<AuditEvent> = {}): Promise<void> => {
    for (let n = 1; n <= count; n += 1) await app.kirjuri.db.transaction((t) => app.kirjuri.audit.log.record(event(n, extra), t));
  };
  const sql = (text: string, bind: unknown[] = []): Promise<unknown> => app.kirjuri.db.sequelize.query(text, { bind, type: QueryTypes.RAW });
  const verify = () => app.kirjuri.audit.verifier.verify('instance');

  it('verifies an intact chain, and names the first bad entry when any column of a row is edited', async () => {
    await write(12);
    expect(await verify()).to.deep.equal({ ok: true, checked: 12, firstBadSeq: null, reason: null });
    for (const [column, value] of [['action', 'record.delete'], ['actor_email', 'someone@example.com'], ['details', '{"n":99}'], ['at', 1], ['outcome', 'denied'], ['ip', '10.0.0.1'], ['object_id', 'r0']] as const) {
      const [[before]] = await app.kirjuri.db.sequelize.query(`SELECT ${column} AS v FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND seq = 7`) as [Array<{ v: unknown }>, unknown];
      await sql(`UPDATE kirjuri_audit_entries SET ${column} = $1 WHERE chain_id = 'instance' AND seq = 7`, [value]);
      const verdict = await verify();
      expect(verdict, column).to.deep.include({ ok: false, firstBadSeq: 7, checked: 6 });
      expect(verdict.reason).to.match(/changed after it was written/);
      await sql(`UPDATE kirjuri_audit_entries SET ${column} = $1 WHERE chain_id = 'instance' AND seq = 7`, [before!.v]);
    }
    expect((await verify()).ok).to.equal(true);
  });

  it('verifies text that SQLite and JavaScript may write differently as JSON, and still finds a change among it', async () => {
    // Control characters, line separators, emoji, a lone surrogate: the hashed JSON of these is recomputed in JavaScript when SQLite's differs.
    const odd = ['tab\there', 'bell\u0007 nul\u0000 del\u007f', 'line\u2028sep', 'emoji 🦺 ja äö', 'lone \ud800 surrogate', 'quote " back\\slash </script>'];
    for (const [n, text] of odd.entries()) {
      await app.kirjuri.db.transaction((t) => app.kirjuri.audit.log.record(event(n + 1, { userAgent: text, details: { text } }), t));
    }
    expect(await verify()).to.deep.include({ ok: true, checked: odd.length });
    if (kind === 'sqlite') {
      // A number stored as text is read back as the same number: SQLite's JSON has a string there, JavaScript's the number.
      await sql("UPDATE kirjuri_audit_entries SET at = CAST(at AS TEXT) WHERE chain_id = 'instance' AND seq = 2");
      expect(await verify()).to.deep.include({ ok: true, checked: odd.length });
    }
    await sql("UPDATE kirjuri_audit_entries SET user_agent = $1 WHERE chain_id = 'instance' AND seq = 5", ['lone ? surrogate']);
    expect(await verify()).to.deep.include({ ok: false, firstBadSeq: 5, checked: 4 });
  });

  it('chains after entries another writer appended (a CLI command beside the server), and a rolled-back change does not move the head', async () => {
    await write(3);
    // A second audit log on the same database stands for another process: its entries move the head under the first one's feet.
    const other = new AuditLog({ db: app.kirjuri.db, log: testLogger(), retryMs: 50, batchSize: 10 });
    for (let n = 4; n <= 5; n += 1) await app.kirjuri.db.transaction((t) => other.record(event(n), t));
    await write(2);
    await app.kirjuri.db.transaction(async (t) => {
      await app.kirjuri.audit.log.record(event(99), t);
      throw new Error('the change failed');
    }).catch(() => undefined);
    await write(1);
    expect(await verify()).to.deep.include({ ok: true, checked: 8 });
  });

  it('names a deleted middle row, two swapped rows and rows cut from the end', async () => {
    await write(10);
    await sql("DELETE FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND seq = 4");
    expect(await verify()).to.deep.include({ ok: false, firstBadSeq: 4, checked: 3 });
    await app.kirjuri.db.sequelize.query("DELETE FROM kirjuri_audit_entries WHERE chain_id = 'instance'");
    await sql("UPDATE kirjuri_audit_heads SET seq = 0, hash = $1 WHERE chain_id = 'instance'", ['0'.repeat(64)]);
    await write(10);
    // Swap the contents of 5 and 6 (each keeps its seq): a reordering.
    await sql("UPDATE kirjuri_audit_entries SET seq = -5 WHERE chain_id = 'instance' AND seq = 5");
    await sql("UPDATE kirjuri_audit_entries SET seq = 5 WHERE chain_id = 'instance' AND seq = 6");
    await sql("UPDATE kirjuri_audit_entries SET seq = 6 WHERE chain_id = 'instance' AND seq = -5");
    expect(await verify()).to.deep.include({ ok: false, firstBadSeq: 5 });
    await sql("UPDATE kirjuri_audit_entries SET seq = -5 WHERE chain_id = 'instance' AND seq = 5");
    await sql("UPDATE kirjuri_audit_entries SET seq = 5 WHERE chain_id = 'instance' AND seq = 6");
    await sql("UPDATE kirjuri_audit_entries SET seq = 6 WHERE chain_id = 'instance' AND seq = -5");
    expect((await verify()).ok).to.equal(true);
    await sql("DELETE FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND seq > 8");
    const cut = await verify();
    expect(cut).to.deep.include({ ok: false, firstBadSeq: 9 });
    expect(cut.reason).to.match(/missing from the end/);
  });

  it('signed checkpoints find a cut tail whose head row was moved back too, and a forged checkpoint', async () => {
    await write(6);
    expect(await app.kirjuri.audit.checkpoints.writeMoved()).to.equal(1);
    expect(await app.kirjuri.audit.checkpoints.writeMoved()).to.equal(0);
    const file = join(app.kirjuri.config.dataDir, 'audit', 'checkpoints.jsonl');
    // Someone with the database deletes 5 and 6 and makes the head say 4: only the checkpoint knows.
    const [[head4]] = await app.kirjuri.db.sequelize.query("SELECT hash FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND seq = 4") as [Array<{ hash: string }>, unknown];
    await sql("DELETE FROM kirjuri_audit_entries WHERE chain_id = 'instance' AND seq > 4");
    await sql("UPDATE kirjuri_audit_heads SET seq = 4, hash = $1 WHERE chain_id = 'instance'", [head4!.hash]);
    const verdict = await verify();
    expect(verdict).to.deep.include({ ok: false, firstBadSeq: 5 });
    expect(verdict.reason).to.match(/signed checkpoint names 6/);
    // A forged checkpoint line (its signature does not match) is reported as such.
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const forged = { ...JSON.parse(lines[0]!), seq: 4 };
    writeFileSync(file, `${JSON.stringify(forged)}\n`);
    const forgery = await verify();
    expect(forgery.ok).to.equal(false);
    expect(forgery.reason).to.match(/bad signature/);
  });

  it('record() rolls back with its transaction: no entry, the head unchanged', async () => {
    await write(2);
    const failed = app.kirjuri.db.transaction(async (t) => {
      await app.kirjuri.audit.log.record(event(3), t);
      throw new Error('the change failed');
    });
    await failed.then(() => expect.fail('the transaction should fail'), (error: Error) => expect(error.message).to.equal('the change failed'));
    await write(1);
    expect(await verify()).to.deep.include({ ok: true, checked: 3 });
  });

  it('recordSoon() resolves once its entry is committed, and entries that arrive together share one group commit', async () => {
    const transactions = sinon.spy(app.kirjuri.db, 'transaction');
    try {
      const written = Array.from({ length: 25 }, (_, n) => app.kirjuri.audit.log.recordSoon(event(n + 1)));
      expect(app.kirjuri.audit.log.pending).to.equal(25);
      await Promise.all(written);
      expect(app.kirjuri.audit.log.pending).to.equal(0);
      expect(transactions.callCount, 'one transaction for entries queued in the same turn').to.equal(1);
      expect(await verify()).to.deep.include({ ok: true, checked: 25 });
      // Entries arriving one by one while a write is in flight go into the next group, not one transaction each.
      transactions.resetHistory();
      const trickled: Array<Promise<void>> = [];
      for (let n = 26; n <= 125; n += 1) {
        trickled.push(app.kirjuri.audit.log.recordSoon(event(n)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(trickled);
      expect(transactions.callCount).to.be.below(100);
      expect(await verify()).to.deep.include({ ok: true, checked: 125 });
    } finally {
      transactions.restore();
    }
  });

  it('close() writes what is still queued, and entries recorded after it are written at once', async () => {
    for (let n = 1; n <= 5; n += 1) void app.kirjuri.audit.log.recordSoon(event(n));
    await app.kirjuri.audit.log.close();
    expect(app.kirjuri.audit.log.pending).to.equal(0);
    await app.kirjuri.audit.log.recordSoon(event(6));
    expect(await verify()).to.deep.include({ ok: true, checked: 6 });
  });

  it('concurrent appends to one chain get consecutive seq numbers in commit order', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, n) => app.kirjuri.db.transaction((t) => app.kirjuri.audit.log.record(event(n), t))));
    expect(await verify()).to.deep.include({ ok: true, checked: 20 });
  });

  it('a purge removes entries past retention from the start and the rest still verifies; later entries chain on', async () => {
    const old = Date.parse('2020-01-01T00:00:00Z');
    for (let n = 1; n <= 5; n += 1) await app.kirjuri.db.transaction((t) => app.kirjuri.audit.log.record(event(n, { at: old + n }), t));
    await write(3);
    const purged = await app.kirjuri.audit.retention.purgeAll();
    expect(purged).to.equal(5);
    expect(await verify()).to.deep.include({ ok: true, checked: 3 });
    await write(2);
    expect(await verify()).to.deep.include({ ok: true, checked: 5 });
    expect(retentionCutoff(Date.parse('2026-03-15T12:00:00Z'), 12)).to.equal(Date.parse('2025-03-15T12:00:00Z'));
  });
});
