import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { openDatabase, type Database } from '../../core/db/open-database.ts';
import { coreMigrations, runMigrations } from '../../core/db/run-migrations.ts';
import { readJobLock } from '../../core/jobs/job-lock-store.ts';
import { JobScheduler, type JobDefinition } from '../../core/jobs/job-scheduler.ts';
import { createTestDatabase, forEachDatabase, testDatabaseConfig, testLogger, type TestDatabase } from '../helpers/test-databases.ts';

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const minute = 60_000;

forEachDatabase('JobScheduler', (kind) => {
  let testDb: TestDatabase;
  /** Two handles on one database: two nodes, as far as the scheduler can tell. */
  let dbA: Database;
  let dbB: Database;
  let clock: number;
  const now = (): Date => new Date(clock);
  const schedulers: JobScheduler[] = [];

  const scheduler = (db: Database, nodeId: string, log = testLogger()): JobScheduler => {
    const made = new JobScheduler({ db, log, nodeId, pollIntervalMs: 50, now });
    schedulers.push(made);
    return made;
  };
  const job = (overrides: Partial<JobDefinition> & Pick<JobDefinition, 'run'>): JobDefinition => ({ name: 'test.job', owner: 'core', intervalMs: minute, ...overrides });

  beforeEach(async () => {
    clock = Date.parse('2026-11-22T12:00:00Z');
    testDb = await createTestDatabase(kind);
    dbA = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log: testLogger() });
    dbB = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log: testLogger() });
    await runMigrations(dbA, [coreMigrations], testLogger());
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await dbA.close();
    await dbB.close();
    await testDb.drop();
  });

  it('runDue() on two nodes runs a due job exactly once per interval', async () => {
    let runs = 0;
    const a = scheduler(dbA, 'node-a');
    const b = scheduler(dbB, 'node-b');
    a.add(job({ run: async () => void runs++ }));
    b.add(job({ run: async () => void runs++ }));
    for (let interval = 0; interval < 4; interval++) {
      const ran = await Promise.all([a.runDue(), b.runDue()]);
      expect(ran.flat(), `interval ${interval}`).to.deep.equal(['test.job']);
      expect(runs).to.equal(interval + 1);
      // Not again within the interval, on either node.
      clock += minute - 1;
      expect((await Promise.all([a.runDue(), b.runDue()])).flat()).to.deep.equal([]);
      clock += 1;
    }
    const row = await readJobLock(dbA, 'test.job');
    expect(row).to.include({ lockedBy: null, lockedUntil: null, lastOutcome: 'succeeded', lastError: null });
    expect(row!.lastStartedAt).to.equal(clock - minute);
  });

  it('runDue() takes over a job whose lock expired, and the late node does not overwrite the new run', async () => {
    const release = gate();
    const started = gate();
    const a = scheduler(dbA, 'node-a');
    const b = scheduler(dbB, 'node-b');
    a.add(job({ timeoutMs: 5 * minute, run: async () => { started.open(); await release.opened; } }));
    let bRuns = 0;
    b.add(job({ timeoutMs: 5 * minute, run: async () => void bRuns++ }));

    const stuck = a.runDue(); // node-a "hangs" in its run
    await started.opened;
    expect(await readJobLock(dbA, 'test.job')).to.include({ lockedBy: 'node-a', lockedUntil: clock + 5 * minute });
    clock += 2 * minute; // due again, but still locked
    expect(await b.runDue()).to.deep.equal([]);
    clock += 3 * minute; // the lock has expired
    expect(await a.runDue()).to.deep.equal([]); // never twice on the node still running it
    expect(await b.runDue()).to.deep.equal(['test.job']);
    expect(bRuns).to.equal(1);
    const takenOver = await readJobLock(dbA, 'test.job');
    release.open();
    expect(await stuck).to.deep.equal(['test.job']);
    expect(await readJobLock(dbA, 'test.job')).to.deep.equal(takenOver);
    expect(takenOver).to.include({ lockedBy: null, lastOutcome: 'succeeded', lastStartedAt: clock });
  });

  it('a failing job records its error, is not retried within the interval, and runs again in the next', async () => {
    let attempt = 0;
    const a = scheduler(dbA, 'node-a');
    a.add(job({ run: async () => { attempt++; if (attempt === 1) throw new Error('backup target unreachable'); } }));
    expect(await a.runDue()).to.deep.equal(['test.job']);
    expect(await readJobLock(dbA, 'test.job')).to.include({ lockedBy: null, lockedUntil: null, lastOutcome: 'failed', lastError: 'backup target unreachable' });
    clock += minute / 2;
    expect(await a.runDue()).to.deep.equal([]);
    clock += minute / 2;
    expect(await a.runDue()).to.deep.equal(['test.job']);
    expect(attempt).to.equal(2);
    expect(await readJobLock(dbA, 'test.job')).to.include({ lastOutcome: 'succeeded', lastError: null, lastFinishedAt: clock });
  });

  it('a job that outlives its timeout is aborted and recorded as timed-out', async () => {
    const a = scheduler(dbA, 'node-a');
    a.add(job({ timeoutMs: 30, run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))) }));
    expect(await a.runDue()).to.deep.equal(['test.job']);
    expect(await readJobLock(dbA, 'test.job')).to.include({ lastOutcome: 'timed-out', lastError: 'The job test.job ran longer than its timeout of 30 ms.' });
  });

  it('start() polls on an unref\'d timer, and stop() aborts the running job and waits for it to finish', async () => {
    const started = gate();
    let cleanedUp = false;
    const a = scheduler(dbA, 'node-a');
    a.add(job({
      run: async (signal) => {
        started.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        await new Promise((resolve) => setTimeout(resolve, 30)); // cleanup after the abort takes a while
        cleanedUp = true;
        throw signal.reason;
      },
    }));
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    a.start();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).to.equal(timersBefore);
    await started.opened;
    await a.stop();
    expect(cleanedUp).to.equal(true);
    expect(await readJobLock(dbA, 'test.job')).to.include({ lockedBy: null, lastOutcome: 'aborted', lastError: 'The job scheduler is stopping.' });
    expect(await a.runDue()).to.deep.equal([]);
    expect(() => a.start()).to.throw('cannot start again');
  });

  it('logs one line per run, with the job, its owner and the outcome', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const a = scheduler(dbA, 'node-a', createLogger('info', sink));
    a.add(job({ name: 'test.ok', owner: 'backup-local', run: async () => undefined }));
    a.add(job({ name: 'test.bad', owner: 'audit', run: async () => { throw new Error('nope'); } }));
    expect((await a.runDue()).sort()).to.deep.equal(['test.bad', 'test.ok']);
    const runLines = lines.filter((line) => typeof line.job === 'string');
    expect(runLines.map((line) => [line.job, line.owner, line.outcome, line.node]).sort()).to.deep.equal([
      ['test.bad', 'audit', 'failed', 'node-a'], ['test.ok', 'backup-local', 'succeeded', 'node-a'],
    ]);
  });

  it('add() refuses a second job with the same name and a non-positive interval', () => {
    const a = scheduler(dbA, 'node-a');
    a.add(job({ owner: 'records', run: async () => undefined }));
    expect(() => a.add(job({ owner: 'reports', run: async () => undefined }))).to.throw('The job test.job was added twice (by records and by reports): job names must be unique across the instance.');
    expect(() => a.add(job({ name: 'other', intervalMs: 0, run: async () => undefined }))).to.throw('has intervalMs 0');
  });
});
