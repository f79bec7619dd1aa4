import type { Context } from 'koa';

/**
 * This server's origin as the request reached it (`https://host:port`), from the protocol and Host
 * (X-Forwarded-Proto and -Host only when server.trustProxy). Not ctx.origin: since Koa 3 that is the
 * request's Origin header, which the client chooses.
 */
export function ownOrigin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}
