import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.ts';
import { kirjuriVersion } from '../kernel/install-paths.ts';
import { CliFailure } from './cli-failure.ts';
import { exitCodes } from './exit-codes.ts';
import { addServeCommand } from './serve-command.ts';
import { addIdentityCommands } from './identity-commands.ts';
import { addAuditCommands } from './audit-commands.ts';
import { addKeysCommands } from './keys-commands.ts';
import { addFilesCommands } from './files-commands.ts';

/** Builds the kirjuri command-line program with every core command. */
export function buildProgram(): Command {
  const program = new Command('kirjuri')
    .description('Kirjuri: self-hosted field documentation (records, photos, reports).\nConfiguration: config/default.json, a file named by KIRJURI_CONFIG, and KIRJURI_* environment variables.')
    .version(kirjuriVersion, '-v, --version', 'print the Kirjuri version')
    .showHelpAfterError('(run "kirjuri --help" for the commands)')
    // The program's own options (--version) only before the command: "keys retire --version N" is the command's.
    .enablePositionalOptions()
    .exitOverride();
  addServeCommand(program);
  addIdentityCommands(program);
  addAuditCommands(program);
  addKeysCommands(program);
  addFilesCommands(program);
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  all(program).slice(1).forEach((command) => command.exitOverride().showHelpAfterError());
  return program;
}

/** Runs the CLI with `argv` (process.argv shape); returns the exit code instead of exiting. */
export async function runCli(argv: string[], output: { error: (line: string) => void } = { error: (line) => console.error(line) }): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return exitCodes.usage;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; commander has already printed its message.
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof ConfigError) {
      output.error(error.message);
      return exitCodes.config;
    }
    if (error instanceof CliFailure) {
      output.error(error.message);
      return error.exitCode;
    }
    output.error(`kirjuri failed: ${(error as Error).message}`);
    return exitCodes.failure;
  }
}
