import type { Logger } from '../kernel/create-logger.ts';

/**
 * What every request carries as ctx.state from the first middleware on; later steps add the signed-in
 * user and tenant. The logger and the CSP nonce are made when first asked for: most API requests need
 * neither, and a small response should not pay for them.
 */
export class RequestState {
  readonly requestId: string;
  readonly #baseLog: Logger;
  readonly #nextNonce: () => string;
  #log: Logger | undefined;
  #cspNonce: string | undefined;
  [key: string]: unknown;

  constructor(requestId: string, baseLog: Logger, nextNonce: () => string) {
    this.requestId = requestId;
    this.#baseLog = baseLog;
    this.#nextNonce = nextNonce;
  }

  /** A logger whose every line carries this request's id. */
  get log(): Logger {
    return (this.#log ??= this.#baseLog.child({ requestId: this.requestId }));
  }

  /** The nonce for the one inline <style> a themed page may carry; asking for it puts it in the page's CSP. */
  get cspNonce(): string {
    return (this.#cspNonce ??= this.#nextNonce());
  }

  /** The nonce if a page asked for one, else undefined. */
  get issuedCspNonce(): string | undefined {
    return this.#cspNonce;
  }
}
