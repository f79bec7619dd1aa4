import type { BenchSettings } from './bench-scenario.ts';
import type { LoadResult } from './measure-load.ts';
import { median, rounded } from './statistics.ts';

/** One load run of `durationSeconds` against one server. */
export type LoadRun = (durationSeconds: number) => Promise<LoadResult>;

/**
 * Measures a candidate and its baseline in the same run: a 2 s warm-up each, then `rounds` rounds that
 * alternate which goes first (so drift of the machine affects both alike). Any failed request makes the
 * measurement invalid. Returns the markdown table rows, the median of the per-round ratios and the candidate's median req/s.
 */
export async function compareWithBaseline(settings: BenchSettings, candidate: { label: string; load: LoadRun }, baseline: { label: string; load: LoadRun }): Promise<{ rows: string[]; ratio: number; candidate: number }> {
  const runs = new Map<LoadRun, LoadResult[]>([[candidate.load, []], [baseline.load, []]]);
  await candidate.load(2);
  await baseline.load(2);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const load of round % 2 ? [baseline.load, candidate.load] : [candidate.load, baseline.load]) {
      const result = await load(settings.durationSeconds);
      if (result.failures > 0) throw new Error(`${result.failures} requests failed (${candidate.label} / ${baseline.label}): the measurement is not valid.`);
      runs.get(load)!.push(result);
    }
  }
  const candidateRuns = runs.get(candidate.load)!;
  const baselineRuns = runs.get(baseline.load)!;
  const row = (label: string, results: readonly LoadResult[]): string =>
    `| ${label} | ${rounded(median(results.map((r) => r.requestsPerSecond)))} | ${rounded(median(results.map((r) => r.p50Ms)), 1)} | ${rounded(median(results.map((r) => r.p99Ms)), 1)} |`;
  return {
    rows: ['| server | req/s | p50 ms | p99 ms |', '| --- | ---: | ---: | ---: |', row(candidate.label, candidateRuns), row(baseline.label, baselineRuns)],
    ratio: median(candidateRuns.map((run, i) => run.requestsPerSecond / baselineRuns[i]!.requestsPerSecond)),
    candidate: median(candidateRuns.map((run) => run.requestsPerSecond)),
  };
}
