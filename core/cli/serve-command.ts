import type { Command } from 'commander';
import { createApp } from '../app.ts';
import { loadConfig, type ConfigOverrides } from '../config/index.ts';
import { startServer } from '../http/start-server.ts';
import { exitCodes } from './exit-codes.ts';
import { CliFailure } from './cli-failure.ts';

/** `kirjuri serve`: boots the app, listens, prints the URL, and drains cleanly on SIGTERM/SIGINT. */
export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the Kirjuri server (HTTPS on port 8443 with SQLite in ./data by default).')
    .option('--host <address>', 'address to listen on (overrides KIRJURI_HOST)')
    .option('--port <number>', 'port to listen on (overrides KIRJURI_PORT)', (v) => Number(v))
    .action(async (options: { host?: string; port?: number }) => {
      const server: ConfigOverrides['server'] = {};
      if (options.host !== undefined) server.host = options.host;
      if (options.port !== undefined) server.port = options.port;
      const env = { ...process.env };
      if (options.host !== undefined) delete env.KIRJURI_HOST;
      if (options.port !== undefined) delete env.KIRJURI_PORT;
      const config = loadConfig({ env, overrides: { server } });
      const kirjuri = await createApp(config).catch((error: unknown) => {
        throw new CliFailure(`Kirjuri could not start: ${(error as Error).message}`, exitCodes.failure, error);
      });
      let running;
      try {
        running = await startServer({ handler: kirjuri.app.callback(), config, log: kirjuri.log });
      } catch (error) {
        await kirjuri.close().catch(() => undefined);
        throw new CliFailure(`Kirjuri could not start: ${(error as Error).message}`, exitCodes.failure, error);
      }
      console.log(`Kirjuri listening on ${running.url}`);
      // Printed once, to the console only (never to the log): whoever opens it first becomes the administrator.
      if (kirjuri.setupToken) console.log(`Set Kirjuri up at ${config.server.publicUrl ?? running.url}/setup?token=${kirjuri.setupToken} (one-time link)`);
      if (running.redirectPort !== null) console.log(`Plain HTTP on port ${running.redirectPort} redirects to HTTPS.`);

      let stopping = false;
      const stop = async (signal: string): Promise<void> => {
        if (stopping) {
          kirjuri.log.warn({ signal }, 'second signal: exiting at once');
          process.exit(exitCodes.failure);
        }
        stopping = true;
        kirjuri.log.info({ signal }, 'draining requests and shutting down');
        try {
          await running.close();
          await kirjuri.close();
          process.exitCode = exitCodes.ok;
        } catch (error) {
          kirjuri.log.error({ err: error }, 'shutdown failed');
          process.exitCode = exitCodes.failure;
        }
      };
      process.once('SIGTERM', () => void stop('SIGTERM').then(() => process.once('SIGTERM', () => process.exit(exitCodes.failure))));
      process.once('SIGINT', () => void stop('SIGINT').then(() => process.once('SIGINT', () => process.exit(exitCodes.failure))));
    });
}
