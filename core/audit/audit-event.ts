import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { requestActor } from '../identity/request-actor.ts';

/** How an audited attempt ended. */
export const auditOutcomes = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/**
 * One thing that happened, as core and plugins report it; the audit log adds the chain position
 * (seq, prevHash, hash). `tenantId` null means the instance's own chain (tenants, plugins, backups,
 * keys, sign-ins of people in no tenant). `details` never holds a secret (password, token, key, file content).
 */
export interface AuditEvent {
  tenantId: string | null;
  /** API.md's audit actions, e.g. `folder.create`, `record.view`, `access.denied`. */
  action: string;
  actorId: string | null;
  actorEmail: string | null;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  /** Epoch milliseconds (UTC) when it happened; now when omitted. */
  at?: number;
}

/** Where audit entries go. Core and plugins get it explicitly (ctx.audit, the plugin runtime). */
export interface AuditRecorder {
  /**
   * Appends an entry inside the transaction of the change it records: both commit together or neither
   * does (SECURITY.md: a change whose audit entry cannot be written does not happen).
   */
  record(event: AuditEvent, transaction: Transaction): Promise<void>;
  /**
   * A view, a refusal or anything else that changes nothing: written by group commit with the entries of
   * other requests (no transaction of the caller's own). Resolves once it is committed, and in a request
   * the answer waits for that (RequestAuditRecorder), so an answered view is never lost to a crash. It
   * never rejects: while the database refuses writes the entry waits in memory and is tried again.
   */
  recordSoon(event: AuditEvent): Promise<void>;
  /**
   * Makes the current request's answer also wait for `pending`: an entry that needs a lookup before it
   * can be queued (the chains of a person's tenants). Outside a request it only waits for nothing.
   */
  waitFor(pending: Promise<unknown>): void;
}

/** What a request adds to an event: the parts the request's actor and client say. */
export interface AuditEventInput {
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
  /** Defaults to the tenant of the route (null on routes outside a tenant). */
  tenantId?: string | null;
}

/** An event about this request: actor, tenant, ip (trustProxy respected) and user agent from the request. */
export function auditEventOf(ctx: Context, input: AuditEventInput): AuditEvent {
  const actor = requestActor(ctx);
  return {
    tenantId: input.tenantId !== undefined ? input.tenantId : (actor.tenant?.id ?? null),
    action: input.action,
    actorId: actor.user?.id ?? null,
    actorEmail: actor.user?.email ?? null,
    objectType: input.objectType ?? null,
    objectId: input.objectId ?? null,
    ip: actor.ip || null,
    userAgent: actor.userAgent,
    outcome: input.outcome ?? 'success',
    details: input.details ?? {},
  };
}

declare module 'koa' {
  interface DefaultContext {
    /** The audit log (createApp puts it on app.context). */
    audit: AuditRecorder;
  }
}

/** Writes one entry about the current request inside a transaction (what services take, so that they need no ctx). */
export type AuditWrite = (input: AuditEventInput, transaction: Transaction) => Promise<void>;

/** The AuditWrite of a request: its actor, tenant, ip and user agent on every entry. */
export function auditWriteOf(ctx: Context): AuditWrite {
  return (input, transaction) => ctx.audit.record(auditEventOf(ctx, input), transaction);
}
