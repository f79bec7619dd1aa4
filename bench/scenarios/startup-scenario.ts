import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchScenario } from '../bench-scenario.ts';
import { startBareKoa, startKirjuri, type ServerProcess } from '../servers/server-process.ts';
import { median, rounded } from '../statistics.ts';

/** Milliseconds from spawning the process to the first 200 from GET /api/v1/health. */
async function timeToHealthy(start: () => Promise<ServerProcess>): Promise<{ ms: number; server: ServerProcess }> {
  const started = performance.now();
  const server = await start();
  const response = await fetch(`${server.url}/api/v1/health`);
  if (response.status !== 200) throw new Error(`health answered ${response.status}`);
  await response.arrayBuffer();
  return { ms: performance.now() - started, server };
}

/** Start to first healthy answer (fresh data dir: migrations included) and idle RSS, against bare Koa's start. */
export const startupScenario: BenchScenario = {
  name: 'startup',
  description: 'Spawn to first healthy answer on a fresh data dir, and idle RSS (targets: < 2 s, < 200 MB).',
  async run(settings) {
    const kirjuriMs: number[] = [];
    const baselineMs: number[] = [];
    const idleRss: number[] = [];
    for (let round = 0; round < settings.rounds; round += 1) {
      const kirjuri = await timeToHealthy(() => startKirjuri());
      kirjuriMs.push(kirjuri.ms);
      // Idle: after start-up work and a garbage collection cycle or two have settled.
      await sleep(3000);
      idleRss.push(kirjuri.server.rssBytes());
      await kirjuri.server.stop();
      const baseline = await timeToHealthy(() => startBareKoa());
      baselineMs.push(baseline.ms);
      await baseline.server.stop();
    }
    const startMs = median(kirjuriMs);
    const rssMb = median(idleRss) / 1024 / 1024;
    return [
      `startup: ${settings.rounds} rounds, medians (every first-party plugin present, SQLite, TLS off)`,
      '| measure | Kirjuri | bare Koa (baseline) | ratio |',
      '| --- | ---: | ---: | ---: |',
      `| spawn to first healthy answer | ${rounded(startMs)} ms | ${rounded(median(baselineMs))} ms | ${rounded(startMs / median(baselineMs), 2)}x |`,
      `| idle RSS | ${rounded(rssMb, 1)} MB | | |`,
      `start under 2 s: ${startMs < 2000 ? 'met' : 'NOT met'}; idle RSS under 200 MB: ${rssMb < 200 ? 'met' : 'NOT met'}`,
    ].join('\n');
  },
};
