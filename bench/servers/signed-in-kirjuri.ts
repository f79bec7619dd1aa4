import { startKirjuri, type ServerProcess } from './server-process.ts';

const setupToken = 'bench-setup-token-0123456789';
/** The benchmark's administrator: made through POST /api/v1/setup on a fresh data dir. */
export const benchAdmin = Object.freeze({ email: 'bench@example.com', password: 'benchmark passphrase here' });

/** Signs in over HTTP (as the benchmark's administrator unless told) and returns the session cookie (name=value). */
export async function signIn(url: string, who: { email: string; password: string } = benchAdmin): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: who.email, password: who.password }) });
  if (response.status !== 200) throw new Error(`Sign-in failed with ${response.status}: ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-kirjuri-session='));
  if (!cookie) throw new Error('Sign-in set no session cookie.');
  return cookie.split(';')[0]!;
}

/** Starts Kirjuri (TLS off, SQLite, temp data dir), sets it up with the benchmark's administrator and signs in. */
export async function startSignedInKirjuri(extraEnv: NodeJS.ProcessEnv = {}): Promise<{ server: ServerProcess; cookie: string }> {
  const server = await startKirjuri({ KIRJURI_SETUP_TOKEN: setupToken, ...extraEnv });
  try {
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: setupToken, ...benchAdmin, name: 'Bench Admin', tenant: { name: 'Bench Oy', slug: 'bench' } }),
    });
    if (setup.status !== 201) throw new Error(`Setup failed with ${setup.status}: ${await setup.text()}`);
    return { server, cookie: await signIn(server.url) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
