/** A periodic job as a plugin declares it; the scheduler runs it on one node at a time. */
export interface JobDeclaration {
  /** Unique across the instance, e.g. `backup.nightly`. */
  name: string;
  intervalMs: number;
  /** How long a run may hold its lock before another node may take over. */
  timeoutMs?: number;
  run(signal: AbortSignal): Promise<void>;
}
