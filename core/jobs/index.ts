// Periodic jobs that run on one node at a time.
export { JobScheduler, type JobDefinition, type JobSchedulerOptions } from './job-scheduler.ts';
export { readJobLock, type JobLockRow, type JobOutcome } from './job-lock-store.ts';
