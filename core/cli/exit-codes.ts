/** Process exit codes of the kirjuri CLI (documented in the README). */
export const exitCodes = Object.freeze({
  ok: 0,
  /** The command ran and failed (start-up failure, port in use, a broken plugin...). */
  failure: 1,
  /** Unknown command or option, missing argument. */
  usage: 2,
  /** The configuration is invalid (EX_CONFIG). */
  config: 78,
});
