/** A text field of a submitted form (koa-body's parsed urlencoded body), or '' when it is missing or not text. */
export function formValue(body: unknown, key: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : '';
}
