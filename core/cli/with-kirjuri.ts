import { createApp, type KirjuriApp } from '../app.ts';
import { loadConfig } from '../config/index.ts';
import { isAppError } from '../http/app-error.ts';
import { CliFailure } from './cli-failure.ts';
import { exitCodes } from './exit-codes.ts';

/**
 * Boots Kirjuri without listening (migrations run, jobs off, only warnings logged) for one CLI command,
 * runs `work`, and closes it again. A refusal (an AppError: taken slug, weak password...) becomes the
 * command's message and exit code 1.
 */
export async function withKirjuri<T>(work: (kirjuri: KirjuriApp) => Promise<T>): Promise<T> {
  const config = loadConfig({ env: { KIRJURI_LOG_LEVEL: 'warn', ...process.env }, overrides: { jobs: { enabled: false } } });
  const kirjuri = await createApp(config).catch((error: unknown) => {
    throw new CliFailure(`Kirjuri could not start: ${(error as Error).message}`, exitCodes.failure, error);
  });
  try {
    return await work(kirjuri);
  } catch (error) {
    if (isAppError(error)) {
      const fields = (error.details as { fields?: Record<string, string> }).fields;
      const detail = fields ? ` (${Object.entries(fields).map(([key, why]) => `${key}: ${why}`).join('; ')})` : '';
      throw new CliFailure(`${error.message}${detail}`, exitCodes.failure, error);
    }
    throw error;
  } finally {
    await kirjuri.close();
  }
}
