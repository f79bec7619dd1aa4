import { expect } from 'chai';
import type { Transaction } from 'sequelize';
import { IdentityReadCache } from '../../core/identity/identity-read-cache.ts';

/** A stand-in for a Sequelize transaction: afterCommit callbacks run when the test commits it. */
function fakeTransaction(): { transaction: Transaction; commit: () => void } {
  const callbacks: Array<() => void> = [];
  return { transaction: { afterCommit: (fn: () => void) => callbacks.push(fn) } as unknown as Transaction, commit: () => callbacks.forEach((fn) => fn()) };
}

describe('IdentityReadCache', () => {
  it('serves a remembered value until a write commits, then never again', () => {
    const cache = new IdentityReadCache({ enabled: true });
    cache.set('session:a', cache.generation, 'alive');
    expect(cache.get('session:a')).to.equal('alive');
    const write = fakeTransaction();
    cache.invalidateAfter(write.transaction);
    expect(cache.get('session:a'), 'before the commit the old value is still the truth').to.equal('alive');
    write.commit();
    expect(cache.get('session:a')).to.equal(undefined);
  });

  it('refuses a value read before a write committed, even when it arrives after the commit', () => {
    const cache = new IdentityReadCache({ enabled: true });
    const readStartedUnder = cache.generation;
    const write = fakeTransaction();
    cache.invalidateAfter(write.transaction);
    write.commit();
    cache.set('session:a', readStartedUnder, 'stale');
    expect(cache.get('session:a')).to.equal(undefined);
  });

  it('a write without a transaction invalidates at once; a rolled-back one never does', () => {
    const cache = new IdentityReadCache({ enabled: true });
    cache.set('k', cache.generation, 1);
    fakeTransaction();
    cache.invalidateAfter(fakeTransaction().transaction);
    expect(cache.get('k')).to.equal(1);
    cache.invalidateAfter(null);
    expect(cache.get('k')).to.equal(undefined);
  });

  it('remembers nothing when disabled (PostgreSQL: other nodes write too)', () => {
    const cache = new IdentityReadCache({ enabled: false });
    cache.set('k', cache.generation, 1);
    expect(cache.get('k')).to.equal(undefined);
  });
});
