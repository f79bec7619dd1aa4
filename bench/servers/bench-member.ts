import { sendJson } from './send-json.ts';
import { signIn } from './signed-in-kirjuri.ts';

/** The benchmarks' member of the tenant `bench`. */
export const benchMember = Object.freeze({ email: 'bench-member@example.com', password: 'member passphrase for the bench', name: 'Bench Member' });

/** Adds the benchmark member, shares a folder with them at `access`, and returns their session cookie. */
export async function memberSharing(url: string, adminCookie: string, folderId: unknown, access: 'view' | 'edit'): Promise<string> {
  const api = `${url}/api/v1/t/bench`;
  await sendJson(`${api}/members`, adminCookie, 'POST', { ...benchMember, role: 'member' }, 201);
  // The member joins at their first sign-in; only then is a share with them direct rather than an invite link.
  const cookie = await signIn(url, benchMember);
  await sendJson(`${api}/shares`, adminCookie, 'POST', { objectType: 'folder', objectId: folderId, email: benchMember.email, access }, 201);
  return cookie;
}
