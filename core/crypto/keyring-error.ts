/**
 * A refusal of the keyring, as a sentence for the administrator: a damaged or missing master key, a
 * wrong one, a version still in use. Start-up stops on it; the CLI prints it and exits 1.
 */
export class KeyringError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyringError';
  }
}
