import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { claimJobLock, ensureJobLockRow, finishJobLock, type JobOutcome } from './job-lock-store.ts';

/** A periodic job: run at most once per intervalMs across every node sharing the database. */
export interface JobDefinition {
  /** Unique across the instance, e.g. `backup.nightly`. */
  name: string;
  /** 'core' or the plugin that declared it (for logs). */
  owner: string;
  intervalMs: number;
  /** How long one run may hold its lock; the run is aborted then and another node may take over. Default 10 minutes. */
  timeoutMs?: number;
  run(signal: AbortSignal): Promise<void>;
}

export interface JobSchedulerOptions {
  db: Database;
  log: Logger;
  /** Names this process in the lock rows; default `<hostname>:<pid>:<random>`. */
  nodeId?: string;
  pollIntervalMs: number;
  /** The clock (tests move it). */
  now?: () => Date;
}

const defaultTimeoutMs = 10 * 60 * 1000;

/** A run this node has started and not yet finished. */
interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs periodic jobs (backups, audit checkpoints) on one node at a time: every poll, each due job is
 * claimed with one atomic UPDATE of its kirjuri_job_locks row; whoever's UPDATE changed the row runs it.
 * Locks expire after the job's timeout, so a node that crashed mid-run blocks nobody for long.
 */
export class JobScheduler {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #nodeId: string;
  readonly #pollIntervalMs: number;
  readonly #now: () => Date;
  readonly #jobs = new Map<string, JobDefinition>();
  readonly #rowsEnsured = new Set<string>();
  readonly #running = new Map<string, RunningJob>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #polling: Promise<unknown> | null = null;
  #started = false;
  #stopped = false;

  constructor(options: JobSchedulerOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#now = options.now ?? (() => new Date());
  }

  /** Registers a job; a second job with the same name is an error. */
  add(job: JobDefinition): void {
    const existing = this.#jobs.get(job.name);
    if (existing) throw new Error(`The job ${job.name} was added twice (by ${existing.owner} and by ${job.owner}): job names must be unique across the instance.`);
    if (!(job.intervalMs > 0)) throw new Error(`The job ${job.name} of ${job.owner} has intervalMs ${job.intervalMs}: give it a positive number of milliseconds.`);
    if (job.timeoutMs !== undefined && !(job.timeoutMs > 0)) throw new Error(`The job ${job.name} of ${job.owner} has timeoutMs ${job.timeoutMs}: give it a positive number of milliseconds or leave it out.`);
    this.#jobs.set(job.name, job);
  }

  /** The names of the registered jobs, sorted (for status displays and tests). */
  jobNames(): string[] {
    return [...this.#jobs.keys()].sort();
  }

  /** Starts polling every pollIntervalMs (the first poll at once); the timer never keeps the process alive. */
  start(): void {
    if (this.#stopped) throw new Error('The job scheduler was stopped and cannot start again: create a new one.');
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops polling, aborts the running jobs and waits until they have finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // A poll under way may still start a job; let it, then abort everything.
    await this.#polling?.catch(() => undefined);
    const running = [...this.#running.values()];
    for (const job of running) job.controller.abort(new Error('The job scheduler is stopping.'));
    await Promise.all(running.map((job) => job.done));
  }

  /** Polls once and waits for the jobs it started; returns their names (for tests and `kirjuri` commands). */
  async runDue(): Promise<string[]> {
    const started = await this.#claimDueJobs();
    await Promise.all(started.map((job) => job.done));
    return started.map((job) => job.name);
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // The timer only claims and starts jobs; it never waits for a run, so a long backup does not
      // delay the other jobs' polls.
      this.#polling = this.#claimDueJobs()
        .catch((error: unknown) => this.#log.error({ err: error }, 'Polling for due jobs failed; trying again at the next poll'))
        .finally(() => {
          this.#polling = null;
          if (!this.#stopped) this.#schedule(this.#pollIntervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }

  /** Claims every due job this node is not already running and starts it. */
  async #claimDueJobs(): Promise<Array<{ name: string; done: Promise<void> }>> {
    const started: Array<{ name: string; done: Promise<void> }> = [];
    for (const job of this.#jobs.values()) {
      if (this.#stopped) break;
      // Still running here (a run that ignores its abort signal past the timeout): never twice on one node.
      if (this.#running.has(job.name)) continue;
      if (!this.#rowsEnsured.has(job.name)) {
        await ensureJobLockRow(this.#db, job.name);
        this.#rowsEnsured.add(job.name);
      }
      const startedAt = this.#now().getTime();
      const timeoutMs = job.timeoutMs ?? defaultTimeoutMs;
      const claimed = await claimJobLock(this.#db, { name: job.name, nodeId: this.#nodeId, now: startedAt, intervalMs: job.intervalMs, timeoutMs });
      if (claimed && !this.#running.has(job.name)) started.push({ name: job.name, done: this.#run(job, startedAt, timeoutMs) });
    }
    return started;
  }

  /** Runs a claimed job, records how it ended and logs one line. Never rejects. */
  #run(job: JobDefinition, startedAt: number, timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`The job ${job.name} ran longer than its timeout of ${timeoutMs} ms.`));
    }, timeoutMs);
    timer.unref();
    const began = performance.now();
    const done = (async () => {
      let outcome: JobOutcome = 'succeeded';
      let failure: unknown = null;
      try {
        await job.run(controller.signal);
      } catch (error) {
        failure = error;
        outcome = timedOut ? 'timed-out' : controller.signal.aborted ? 'aborted' : 'failed';
      } finally {
        clearTimeout(timer);
      }
      const message = failure === null ? null : failure instanceof Error ? failure.message : String(failure);
      let lockKept: boolean | null = null;
      try {
        lockKept = await finishJobLock(this.#db, { name: job.name, nodeId: this.#nodeId, startedAt, finishedAt: this.#now().getTime(), outcome, error: message });
      } catch (error) {
        this.#log.error({ err: error, job: job.name }, 'Recording the end of a job run failed; its lock expires on its own');
      } finally {
        this.#running.delete(job.name);
      }
      const line = { job: job.name, owner: job.owner, node: this.#nodeId, outcome, durationMs: Math.round(performance.now() - began), ...(lockKept === false ? { lockExpired: true } : {}) };
      if (failure !== null) this.#log.error({ ...line, err: failure }, 'job run failed');
      else if (lockKept === false) this.#log.warn(line, 'job run finished after its lock had expired');
      else this.#log.info(line, 'job run finished');
    })();
    this.#running.set(job.name, { controller, done });
    return done;
  }
}
