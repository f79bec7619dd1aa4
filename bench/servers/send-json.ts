/** Sends a JSON request as a signed-in browser would (session cookie and CSRF token); fails loudly on an unexpected status. */
export async function sendJson(url: string, cookie: string, method: 'POST' | 'PATCH', body: unknown, expected: number): Promise<Record<string, unknown>> {
  const csrf = await csrfTokenOf(new URL(url).origin, cookie);
  const response = await fetch(url, { method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== expected) throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The CSRF token of a session. */
export async function csrfTokenOf(origin: string, cookie: string): Promise<string> {
  return ((await (await fetch(`${origin}/api/v1/auth/csrf`, { headers: { Cookie: cookie } })).json()) as { token: string }).token;
}
