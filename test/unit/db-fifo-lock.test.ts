import { expect } from 'chai';
import { FifoLock } from '../../core/db/fifo-lock.ts';

describe('FifoLock', () => {
  it('acquire() resolves at once when the lock is free', async () => {
    const lock = new FifoLock();
    await lock.acquire();
    expect(lock.held).to.equal(true);
    lock.release();
    expect(lock.held).to.equal(false);
  });

  it('acquire() serves waiters in the order they asked', async () => {
    const lock = new FifoLock();
    await lock.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3, 4].map((n) => lock.acquire().then(() => {
      order.push(n);
      lock.release();
    }));
    expect(lock.waiting).to.equal(4);
    lock.release();
    await Promise.all(waiters);
    expect(order).to.deep.equal([1, 2, 3, 4]);
    expect(lock.held).to.equal(false);
  });

  it('acquire(timeoutMs) resolves false and leaves the queue when the lock does not come in time', async () => {
    const lock = new FifoLock();
    expect(await lock.acquire(50)).to.equal(true);
    const late = lock.acquire(20);
    const patient = lock.acquire(5_000);
    expect(lock.waiting).to.equal(2);
    expect(await late).to.equal(false);
    expect(lock.waiting).to.equal(1);
    lock.release();
    expect(await patient).to.equal(true);
    expect(lock.held).to.equal(true);
    lock.release();
    expect(lock.held).to.equal(false);
  });

  it('release() hands the lock to the waiter so a newcomer cannot jump the queue', async () => {
    const lock = new FifoLock();
    await lock.acquire();
    const order: string[] = [];
    const first = lock.acquire().then(() => {
      order.push('waiter');
      lock.release();
    });
    lock.release();
    // Asked after the release but before the waiter woke up: must still come second.
    const second = lock.acquire().then(() => {
      order.push('newcomer');
      lock.release();
    });
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['waiter', 'newcomer']);
  });

  it('release() throws when the lock is free', () => {
    expect(() => new FifoLock().release()).to.throw(/released twice/);
  });
});
