import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Keeps a load-measuring server and the load generator on different cores (Linux, taskset from
 * util-linux): the server on the last core, this process on the others. Left to the scheduler, the two
 * share a core now and then on a 2-core machine, and the same code measured twice differed by a third.
 * Does nothing where taskset is missing or there is one core.
 */
export function pinServerApartFromLoad(serverPid: number): void {
  // All the machine's cores: availableParallelism() answers 1 once this process is pinned itself.
  const cores = cpus().length;
  if (process.platform !== 'linux' || cores < 2) return;
  const serverCore = String(cores - 1);
  const loadCores = cores === 2 ? '0' : `0-${cores - 2}`;
  spawnSync('taskset', ['-a', '-c', '-p', serverCore, String(serverPid)], { stdio: 'ignore' });
  spawnSync('taskset', ['-a', '-c', '-p', loadCores, String(process.pid)], { stdio: 'ignore' });
}
