/** A CLI command that failed with a message for the person at the terminal and an exit code. */
export class CliFailure extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}
