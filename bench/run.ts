// npm run bench -- [NAME...] [--rounds N] [--duration S] [--connections C]
// Runs each named scenario (all when none is named) with its baseline in the same run and prints medians.
import { Command, InvalidArgumentError } from 'commander';
import type { BenchScenario, BenchSettings } from './bench-scenario.ts';
import { healthScenario } from './scenarios/health-scenario.ts';
import { startupScenario } from './scenarios/startup-scenario.ts';
import { meScenario } from './scenarios/me-scenario.ts';
import { loginScenario } from './scenarios/login-scenario.ts';
import { objectViewScenario } from './scenarios/object-view-scenario.ts';
import { auditVerifyScenario } from './scenarios/audit-verify-scenario.ts';
import { recordsCreateScenario } from './scenarios/records-create-scenario.ts';
import { recordsListScenario } from './scenarios/records-list-scenario.ts';
import { blobCryptoScenario } from './scenarios/blob-crypto-scenario.ts';
import { imageUploadScenario } from './scenarios/image-upload-scenario.ts';

const scenarios: readonly BenchScenario[] = [healthScenario, startupScenario, meScenario, loginScenario, objectViewScenario, auditVerifyScenario, recordsCreateScenario, recordsListScenario, blobCryptoScenario, imageUploadScenario];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

const program = new Command('npm run bench --')
  .description(`Kirjuri's benchmarks. Scenarios:\n${scenarios.map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join('\n')}`)
  .argument('[names...]', 'scenarios to run (default: all)')
  .option('--rounds <n>', 'measured rounds per scenario', positiveInteger, 5)
  .option('--duration <seconds>', 'seconds of load per measured run', positiveInteger, 5)
  .option('--connections <n>', 'concurrent connections', positiveInteger, 50)
  .action(async (names: string[], options: { rounds: number; duration: number; connections: number }) => {
    const unknown = names.filter((name) => !scenarios.some((s) => s.name === name));
    if (unknown.length) program.error(`Unknown scenario ${unknown.join(', ')}: choose from ${scenarios.map((s) => s.name).join(', ')}.`);
    const settings: BenchSettings = { rounds: options.rounds, durationSeconds: options.duration, connections: options.connections };
    const chosen = names.length ? scenarios.filter((s) => names.includes(s.name)) : scenarios;
    console.log(`Kirjuri benchmarks on node ${process.version}, ${new Date().toISOString()}\n`);
    for (const scenario of chosen) {
      console.log(await scenario.run(settings));
      console.log('');
    }
  });

await program.parseAsync(process.argv);
