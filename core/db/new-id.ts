import { randomUUID } from 'node:crypto';

/** A new opaque id for a row (API.md: ids are opaque strings); random, so ids reveal neither order nor count. */
export function newId(): string {
  return randomUUID();
}
