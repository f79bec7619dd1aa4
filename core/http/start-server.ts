import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { ensureServerCertificate } from '../crypto/self-signed-certificate.ts';

type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A listening Kirjuri: where it answers, and close() that drains open requests first. */
export interface RunningServer {
  /** The URL Kirjuri answers at, e.g. https://localhost:8443. */
  url: string;
  port: number;
  /** The plain HTTP port that only redirects to HTTPS, or null when there is none. */
  redirectPort: number | null;
  server: http.Server | https.Server;
  /** Stops accepting, lets open requests finish (up to server.shutdownTimeoutMs), then closes the rest. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  handler: RequestHandler;
  config: KirjuriConfig;
  log: Logger;
}

// Slow clients must not hold sockets for ever; these match what a reverse proxy would allow.
const headersTimeoutMs = 20_000;
const requestTimeoutMs = 5 * 60_000;
const keepAliveTimeoutMs = 5_000;

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      server.off('listening', listening);
      if (error.code === 'EADDRINUSE') reject(new Error(`Port ${port} on ${host} is already in use: stop what holds it or choose another port (KIRJURI_PORT or --port).`, { cause: error }));
      else if (error.code === 'EACCES') reject(new Error(`Port ${port} on ${host} may not be used by this user (${error.code}): choose a port above 1023 or grant the capability to bind low ports.`, { cause: error }));
      else if (error.code === 'EADDRNOTAVAIL') reject(new Error(`The address ${host} is not on this machine (${error.code}): set KIRJURI_HOST to one of its addresses, or 0.0.0.0 for all.`, { cause: error }));
      else reject(new Error(`Kirjuri could not listen on ${host}:${port} (${error.code ?? error.message}).`, { cause: error }));
    };
    const listening = (): void => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(port, host);
  });
}

/** The host part of a URL users can open: the wildcard addresses are shown as localhost, IPv6 in brackets. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function applyTimeouts(server: http.Server): void {
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = requestTimeoutMs;
  server.keepAliveTimeout = keepAliveTimeoutMs;
}

/** A plain HTTP server whose only answer is a permanent redirect to the same path over HTTPS. */
function redirectServer(httpsPort: number, publicUrl: string | null): http.Server {
  const server = http.createServer((request, response) => {
    let location: string;
    if (publicUrl !== null) {
      location = new URL(request.url ?? '/', publicUrl).toString();
    } else {
      const hostHeader = request.headers.host ?? 'localhost';
      const hostname = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
      // Only a plausible host name is echoed back: anything else goes to localhost rather than an attacker's page.
      const safeHost = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/i.test(hostname) ? hostname : 'localhost';
      location = `https://${safeHost}${httpsPort === 443 ? '' : `:${httpsPort}`}${request.url?.startsWith('/') ? request.url : '/'}`;
    }
    response.writeHead(308, { Location: location, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(`Kirjuri answers over HTTPS: ${location}\n`);
  });
  applyTimeouts(server);
  return server;
}

/** Closes a server gracefully: idle sockets at once, busy ones when their request ends or the deadline passes. */
function closeGracefully(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Listens with the given request handler: HTTPS with the configured or self-signed certificate
 * (TLS 1.2 at least) unless server.tls is false, and the optional plain HTTP redirect port.
 * A port that cannot be used fails with a sentence saying which and why, and nothing stays open.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, log, handler } = options;
  const { host } = config.server;
  let server: http.Server;
  if (config.server.tls) {
    const certificate = await ensureServerCertificate({
      dataDir: config.dataDir, host, extraHostnames: config.server.certHostnames, log,
      certFile: config.server.certFile, keyFile: config.server.keyFile,
    });
    server = https.createServer({ cert: certificate.cert, key: certificate.key, minVersion: 'TLSv1.2' }, handler);
  } else {
    server = http.createServer(handler);
  }
  applyTimeouts(server);
  const port = await listen(server, config.server.port, host);

  let redirect: http.Server | null = null;
  let redirectPort: number | null = null;
  if (config.server.tls && config.server.httpRedirectPort !== null) {
    redirect = redirectServer(port, config.server.publicUrl);
    try {
      redirectPort = await listen(redirect, config.server.httpRedirectPort, host);
    } catch (error) {
      await closeGracefully(server, 0);
      throw error;
    }
  }

  const url = `${config.server.tls ? 'https' : 'http'}://${displayHost(host)}:${port}`;
  log.info({ url, tls: config.server.tls, redirectPort }, 'listening');
  let closing: Promise<void> | undefined;
  return {
    url, port, redirectPort, server,
    close: () => (closing ??= Promise.all([
      closeGracefully(server, config.server.shutdownTimeoutMs),
      redirect ? closeGracefully(redirect, 0) : Promise.resolve(),
    ]).then(() => undefined)),
  };
}
