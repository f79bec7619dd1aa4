import { expect } from 'chai';
import { backOffMs } from '../../core/identity/login-throttle.ts';
import { safeNextPath } from '../../core/web/safe-next-path.ts';
import { slugProblem } from '../../core/tenants/tenant-slug.ts';
import { roleAtLeast } from '../../core/tenants/roles.ts';
import { readSessionCookie } from '../../core/identity/session-cookie.ts';
import type { Context } from 'koa';

describe('identity rules', () => {
  it('backOffMs() is free for 4 failures, doubles from 1 s at the 5th, caps at 15 min, and blocks a day at 100', () => {
    expect([1, 4].map(backOffMs)).to.deep.equal([0, 0]);
    expect([5, 6, 7].map(backOffMs)).to.deep.equal([1000, 2000, 4000]);
    expect(backOffMs(40)).to.equal(15 * 60_000);
    expect(backOffMs(100)).to.equal(24 * 60 * 60_000);
  });

  it('readSessionCookie() finds the session cookie by its exact name and refuses values Kirjuri never makes', () => {
    const secret = 'A'.repeat(40) + '_-9';
    const read = (header: string): string | null => readSessionCookie({ get: (name: string) => (name === 'Cookie' ? header : '') } as unknown as Context);
    expect(read(`__Host-kirjuri-session=${secret}`)).to.equal(secret);
    expect(read(`theme=dark; __Host-kirjuri-session=${secret}; other=1`)).to.equal(secret);
    expect(read(`a=1;__Host-kirjuri-session=${secret}`)).to.equal(secret);
    for (const bad of ['', `x__Host-kirjuri-session=${secret}`, `__Host-kirjuri-session=${secret}B`, `__Host-kirjuri-session=${secret.slice(1)}`,
      `__Host-kirjuri-session="${secret}"`, `__host-kirjuri-session=${secret}`, `__Host-kirjuri-session=${secret.slice(1)}%`]) {
      expect(read(bad), bad).to.equal(null);
    }
  });

  it('safeNextPath() keeps paths on this site and refuses other origins', () => {
    expect(safeNextPath('/t/acme/records?x=1')).to.equal('/t/acme/records?x=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', undefined, ['/a'], '/a b']) {
      expect(safeNextPath(bad), String(bad)).to.equal('/');
    }
  });

  it('slugProblem() accepts kebab-case slugs and refuses malformed and reserved ones', () => {
    expect(slugProblem('rakennus-oy')).to.equal(null);
    expect(slugProblem('a')).to.equal(null);
    for (const bad of ['-a', 'a-', 'A', 'a b', 'ä', 'a'.repeat(64), '']) expect(slugProblem(bad), bad).to.match(/lower-case/);
    expect(slugProblem('admin')).to.match(/reserved/);
  });

  it('roleAtLeast() orders admin > manager > member > viewer', () => {
    expect(roleAtLeast('admin', 'member')).to.equal(true);
    expect(roleAtLeast('member', 'member')).to.equal(true);
    expect(roleAtLeast('viewer', 'member')).to.equal(false);
    expect(roleAtLeast('manager', 'admin')).to.equal(false);
  });
});
