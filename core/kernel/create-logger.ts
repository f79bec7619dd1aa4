import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they appear. */
const redactedPaths = [
  'password', '*.password', 'token', '*.token', 'secret', '*.secret', 'clientSecret', '*.clientSecret',
  'masterKey', '*.masterKey', 'secretAccessKey', '*.secretAccessKey', '*.*.secretAccessKey', '*.*.*.secretAccessKey', 'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  'headers.cookie', 'headers.authorization',
];

/** Creates the process logger: pino JSON lines, secrets redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'kirjuri' }, redact: { paths: redactedPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
