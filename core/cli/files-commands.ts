import { InvalidArgumentError, type Command } from 'commander';
import { sweepOrphanBlobs, temporaryMinimumAgeMs } from '../files/orphan-blob-sweep.ts';
import { withKirjuri } from './with-kirjuri.ts';

const hours = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('give a number of hours, 0 or more.');
  return parsed;
};

/** `kirjuri files sweep`: the orphan sweep the daily job runs, now. */
export function addFilesCommands(program: Command): void {
  const files = program.command('files').description('The encrypted file store (README: Blob storage).');
  files
    .command('sweep')
    .description(`Delete stored ciphertext that no blob row names (left by a crash between an upload's write and its commit, or by a removed tenant), and the temporary .partial files of uploads a crash cut off. The daily job does this too. Safe while the server runs: a temporary file is removed only once untouched for the same time and never sooner than ${temporaryMinimumAgeMs / 3_600_000} hour, whatever --older-than-hours says, and an upload in progress writes to its file all the time, so it is never removed.`)
    .option('--older-than-hours <hours>', 'leave blobs (and temporary files) younger than this alone: an upload on its way looks just like an orphan', hours, 6)
    .action((options: { olderThanHours: number }) => withKirjuri(async (kirjuri) => {
      const outcome = await sweepOrphanBlobs({ blobs: kirjuri.blobs, catalog: kirjuri.keys.blobs, log: kirjuri.log, graceMs: options.olderThanHours * 60 * 60 * 1000 });
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      console.log(`Checked ${plural(outcome.checked, 'stored blob')}; deleted ${outcome.deleted} that no row named; removed ${plural(outcome.temporaryRemoved, 'temporary file')} of interrupted uploads.`);
    }));
}
