import { InvalidArgumentError, type Command } from 'commander';
import { sweepOrphanBlobs } from '../files/orphan-blob-sweep.ts';
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
    .description('Delete stored ciphertext that no blob row names (left by a crash between an upload\'s write and its commit, or by a removed tenant). The daily job does this too.')
    .option('--older-than-hours <hours>', 'leave blobs younger than this alone: an upload on its way looks just like an orphan', hours, 6)
    .action((options: { olderThanHours: number }) => withKirjuri(async (kirjuri) => {
      const outcome = await sweepOrphanBlobs({ blobs: kirjuri.blobs, catalog: kirjuri.keys.blobs, log: kirjuri.log, graceMs: options.olderThanHours * 60 * 60 * 1000 });
      console.log(`Checked ${outcome.checked} stored blob${outcome.checked === 1 ? '' : 's'}; deleted ${outcome.deleted} that no row named.`);
    }));
}
