/**
 * The one error family of Kirjuri. A thrown AppError becomes API.md's JSON error (or a themed page),
 * with its status, stable code and details. Anything else thrown becomes a 500 whose message is hidden.
 */
export interface AppErrorOptions {
  details?: Record<string, unknown>;
  /** Whether the message may be shown to the client. True for 4xx by default, false for 5xx. */
  expose?: boolean;
  cause?: unknown;
  headers?: Record<string, string>;
}

/** An error with an HTTP status, a stable snake_case code and a sentence for people. */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details ?? {};
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ?? {};
  }
}

/** 400: the request is malformed. */
export const badRequest = (code: string, message: string, details?: Record<string, unknown>): AppError =>
  new AppError(400, code, message, { details });
/** 401: the caller is not signed in. */
export const unauthorized = (message = 'Sign in to continue.'): AppError => new AppError(401, 'unauthorized', message);
/** 403: signed in, but not allowed. */
export const forbidden = (message = 'You do not have permission to do this.'): AppError =>
  new AppError(403, 'forbidden', message);
/** 404: unknown or not visible to the caller. */
export const notFound = (message = 'Nothing was found at this address.'): AppError =>
  new AppError(404, 'not_found', message);
/** 409: conflicts with the current state. */
export const conflict = (code: string, message: string, details?: Record<string, unknown>): AppError =>
  new AppError(409, code, message, { details });
/** 422: well-formed but breaks a rule. */
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>): AppError =>
  new AppError(422, code, message, { details });

/** Whether a value is an AppError (also across module copies). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
