import type { Context } from 'koa';
import { ownOrigin } from './own-origin.ts';

/** Where the links Kirjuri hands out start: server.publicUrl, else the origin the request reached. */
export function linkOrigin(ctx: Context, publicUrl: string | null): string {
  return publicUrl ?? ownOrigin(ctx);
}

/** The page that takes an invitation, a share's or a membership's alike (`/invite/{secret}`). */
export function inviteUrl(origin: string, secret: string): string {
  return `${origin}/invite/${secret}`;
}

/** The page that sets a password with a one-time link (`/reset?token={secret}`). */
export function passwordLinkUrl(origin: string, secret: string): string {
  return `${origin}/reset?token=${secret}`;
}
