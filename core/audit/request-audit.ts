import type { Middleware } from 'koa';
import type { Transaction } from 'sequelize';
import type { AuditEvent, AuditRecorder } from './audit-event.ts';

/**
 * The audit recorder of one request (ctx.audit): it passes everything on to the audit log and keeps
 * what the request queued with recordSoon(), so that the answer goes out only once those entries are
 * committed (answerAfterAuditWritten). A kill -9 right after an answer then loses no view it answered.
 */
export class RequestAuditRecorder implements AuditRecorder {
  readonly #log: AuditRecorder;
  #waits: Array<Promise<unknown>> | null = null;

  constructor(log: AuditRecorder) {
    this.#log = log;
  }

  record(event: AuditEvent, transaction: Transaction): Promise<void> {
    return this.#log.record(event, transaction);
  }

  recordSoon(event: AuditEvent): Promise<void> {
    const written = this.#log.recordSoon(event);
    this.waitFor(written);
    return written;
  }

  waitFor(pending: Promise<unknown>): void {
    (this.#waits ??= []).push(pending);
  }

  /** Resolves once everything this request queued (and what that queued in turn) is settled; undefined when it queued nothing. */
  written(): Promise<void> | undefined {
    if (!this.#waits) return undefined;
    const waits = this.#waits;
    return (async () => {
      while (waits.length > 0) await Promise.allSettled(waits.splice(0));
    })();
  }
}

/**
 * Gives each request its own RequestAuditRecorder as ctx.audit and holds the answer (or the error
 * answer) until the entries it queued are committed. Koa writes the body only after this returns, so a
 * download or a page is not sent before its view entry is in the database.
 */
export function answerAfterAuditWritten(log: AuditRecorder): Middleware {
  return (ctx, next) => {
    const recorder = new RequestAuditRecorder(log);
    ctx.audit = recorder;
    return next().then(
      () => recorder.written(),
      (error: unknown) => {
        const written = recorder.written();
        if (!written) throw error;
        return written.then(() => { throw error; });
      },
    );
  };
}
