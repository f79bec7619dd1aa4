import { randomBytes, scrypt } from 'node:crypto';
import type { BenchScenario } from '../bench-scenario.ts';
import { signIn, startSignedInKirjuri } from '../servers/signed-in-kirjuri.ts';
import { median, rounded } from '../statistics.ts';

/** One scrypt with Kirjuri's parameters (N=2^17, r=8, p=1), in this process: the floor of a sign-in. */
function scryptOnceMs(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    scrypt('benchmark passphrase here', randomBytes(16), 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }, (error) => (error ? reject(error) : resolve(performance.now() - started)));
  });
}

/** One sign-in over HTTP, end to end, against bare scrypt with the same parameters, one at a time. */
export const loginScenario: BenchScenario = {
  name: 'login',
  description: 'POST /api/v1/auth/login vs one bare scrypt (target: at most 20% on top).',
  async run(settings) {
    const { server } = await startSignedInKirjuri();
    try {
      const count = Math.max(9, settings.rounds * 3);
      const logins: number[] = [];
      const hashes: number[] = [];
      await signIn(server.url);
      await scryptOnceMs();
      for (let i = 0; i < count; i += 1) {
        const started = performance.now();
        await signIn(server.url);
        logins.push(performance.now() - started);
        hashes.push(await scryptOnceMs());
      }
      const ratio = median(logins) / median(hashes);
      return [
        `login: ${count} sign-ins, one at a time, alternating with a bare scrypt; medians`,
        '| measure | ms |',
        '| --- | ---: |',
        `| POST /api/v1/auth/login (HTTP, throttle check, user, scrypt verify, session) | ${rounded(median(logins), 1)} |`,
        `| bare scrypt N=2^17, r=8, p=1 (baseline) | ${rounded(median(hashes), 1)} |`,
        `ratio: ${rounded(ratio, 2)}x the scrypt time (target <= 1.2x): ${ratio <= 1.2 ? 'met' : 'NOT met'}`,
      ].join('\n');
    } finally {
      await server.stop();
    }
  },
};
