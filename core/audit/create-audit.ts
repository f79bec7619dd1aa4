import { join } from 'node:path';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../kernel/create-logger.ts';
import type { JobDeclaration } from '../kernel/job-declaration.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import type { TenantStore } from '../tenants/tenant-store.ts';
import type { PageRenderer } from '../web/page-renderer.ts';
import { AuditCheckpoints } from './audit-checkpoints.ts';
import { AuditLog } from './audit-log.ts';
import { auditPages } from './audit-pages.ts';
import { AuditQuery } from './audit-query.ts';
import { AuditRetention } from './audit-retention.ts';
import { auditRoutes } from './audit-routes.ts';
import { loadAuditSigningKey } from './audit-signing-key.ts';
import { AuditVerifier } from './audit-verifier.ts';

/** The audit log, wired: its writer, reader, verifier, checkpoints, retention, routes, pages and jobs. */
export interface Audit {
  log: AuditLog;
  query: AuditQuery;
  verifier: AuditVerifier;
  checkpoints: AuditCheckpoints;
  retention: AuditRetention;
  routes: OwnedRoute[];
  jobs: Array<JobDeclaration & { owner: string }>;
  /** Writes what is queued (views whose write failed and waits for a retry). */
  close(): Promise<void>;
}

/** Builds the audit log from config (audit.*): the signing key is read or made now. */
export function createAudit(deps: { db: Database; config: KirjuriConfig; log: Logger; tenants: TenantStore; renderPage: PageRenderer }): Audit {
  const { db, config } = deps;
  const log = new AuditLog({ db, log: deps.log.child({ part: 'audit' }), retryMs: config.audit.viewFlushMs, batchSize: config.audit.viewBatchSize });
  const query = new AuditQuery(db);
  const checkpoints = new AuditCheckpoints({ db, key: loadAuditSigningKey(config.audit.signingKeyFile!), file: join(config.dataDir, 'audit', 'checkpoints.jsonl') });
  const verifier = new AuditVerifier({ db, checkpoints });
  const retention = new AuditRetention({ db, tenants: deps.tenants, defaultMonths: config.audit.retentionMonths });
  return {
    log, query, verifier, checkpoints, retention,
    routes: [...auditRoutes({ query, verifier }), ...auditPages({ query, verifier, renderPage: deps.renderPage })],
    jobs: [
      // Views still queued (after a failed write) go first, so that a checkpoint signs what has happened up to now.
      { owner: 'core', name: 'core.audit-checkpoint', intervalMs: config.audit.checkpointMinutes * 60_000, run: async () => { await log.flush(); await checkpoints.writeMoved(); } },
      { owner: 'core', name: 'core.audit-purge', intervalMs: 24 * 60 * 60_000, timeoutMs: 60 * 60_000, run: async () => { await retention.purgeAll(); } },
    ],
    close: () => log.close(),
  };
}
