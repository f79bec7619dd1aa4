import type { BenchScenario } from '../bench-scenario.ts';
import { bareSharpRenditions, makeImageRenditions, type ImageRenditions } from '../../plugins/images/services/image-renditions.ts';
import { photoLikeJpeg } from '../../test/helpers/image-fixtures.ts';
import { median, rounded } from '../statistics.ts';

/** What timeImageRenditions() measured: medians and every run, wall-clock and CPU (all threads of the process) milliseconds. */
export interface RenditionTimings {
  inputBytes: number;
  rounds: number;
  bare: { medianMs: number; medianCpuMs: number; runsMs: number[] };
  renditions: { medianMs: number; medianCpuMs: number; runsMs: number[] };
}

interface Run {
  ms: number;
  cpuMs: number;
}

async function timed(make: () => Promise<ImageRenditions>): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await make();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Times bareSharpRenditions() (two sharp pipelines from the same buffer, the baseline) and
 * makeImageRenditions() on the 12 MP photo-like JPEG (4000 × 3000, ~3.8 MB), in the same process, in
 * turns (who goes first alternates by round), after one unmeasured round of each; reports medians of
 * `rounds` runs. Both make the same two WebP renditions from a buffer in memory.
 */
export async function timeImageRenditions(rounds: number): Promise<RenditionTimings> {
  const input = await photoLikeJpeg();
  const [bare, made] = [await bareSharpRenditions(input), await makeImageRenditions(input)];
  if (bare.preview.width !== made.preview.width || bare.thumbnail.width !== made.thumbnail.width) {
    throw new Error('The baseline and makeImageRenditions() made renditions of different sizes: the benchmark would not compare like with like.');
  }
  const runs = { bare: [] as Run[], renditions: [] as Run[] };
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      runs.bare.push(await timed(() => bareSharpRenditions(input)));
      runs.renditions.push(await timed(() => makeImageRenditions(input)));
    } else {
      runs.renditions.push(await timed(() => makeImageRenditions(input)));
      runs.bare.push(await timed(() => bareSharpRenditions(input)));
    }
  }
  const summary = (list: Run[]) => ({ medianMs: median(list.map((r) => r.ms)), medianCpuMs: median(list.map((r) => r.cpuMs)), runsMs: list.map((r) => r.ms) });
  return { inputBytes: input.length, rounds, bare: summary(runs.bare), renditions: summary(runs.renditions) };
}

/** The timings as lines for a results table. */
export function describeRenditionTimings(timings: RenditionTimings): string {
  const { bare, renditions } = timings;
  const list = (values: number[]): string => values.map((ms) => rounded(ms)).join(', ');
  return [
    `image-renditions: 12 MP JPEG (${rounded(timings.inputBytes / 1024 / 1024, 1)} MiB) to a 1600 px preview and a 320 px thumbnail (WebP), ${timings.rounds} runs each, medians`,
    `bare sharp (two pipelines): ${rounded(bare.medianMs)} ms (CPU ${rounded(bare.medianCpuMs)} ms)`,
    `makeImageRenditions():      ${rounded(renditions.medianMs)} ms (CPU ${rounded(renditions.medianCpuMs)} ms): ${rounded((renditions.medianMs / bare.medianMs) * 100)} % of bare`,
    `runs (ms): bare ${list(bare.runsMs)}; makeImageRenditions ${list(renditions.runsMs)}`,
  ].join('\n');
}

/** The two medians as a scenario (not registered in run.ts: the upload-path scenario uses the baseline). */
export const imageRenditionsBaselineScenario: BenchScenario = {
  name: 'image-renditions',
  description: 'Making the two renditions of a 12 MP JPEG: makeImageRenditions() vs bare sharp from the same buffer (no target; the baseline of the upload path).',
  async run(settings) {
    return describeRenditionTimings(await timeImageRenditions(Math.max(5, settings.rounds)));
  },
};
