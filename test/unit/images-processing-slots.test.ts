import { expect } from 'chai';
import { ProcessingSlots } from '../../plugins/images/services/processing-slots.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

/** A task the test finishes by hand, and whether it has started. */
function heldTask<T>(value: T): { task: () => Promise<T>; started: () => boolean; finish: () => void; fail: (error: Error) => void } {
  let started = false;
  let finish = (): void => {};
  let fail = (_error: Error): void => {};
  const task = (): Promise<T> => {
    started = true;
    return new Promise<T>((resolve, reject) => {
      finish = () => resolve(value);
      fail = reject;
    });
  };
  return { task, started: () => started, finish: () => finish(), fail: (error) => fail(error) };
}

/** Lets every promise callback that is ready run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ProcessingSlots', () => {
  it('run() never runs more than its size at once and says how many run and wait', async () => {
    const slots = new ProcessingSlots(2);
    let now = 0;
    let most = 0;
    const held = Array.from({ length: 7 }, (_, n) => heldTask(n));
    const results = held.map((h) => slots.run(async () => {
      now += 1;
      most = Math.max(most, now);
      try {
        return await h.task();
      } finally {
        now -= 1;
      }
    }));
    await settle();
    expect(held.map((h) => h.started())).to.deep.equal([true, true, false, false, false, false, false]);
    expect({ running: slots.running, waiting: slots.waiting }).to.deep.equal({ running: 2, waiting: 5 });
    // Finish them out of order: each finished task lets exactly one more start.
    for (const n of [1, 0, 3, 2, 5, 4, 6]) {
      held[n]!.finish();
      await settle();
      expect(now).to.be.at.most(2);
    }
    expect(await Promise.all(results)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(most).to.equal(2);
    expect({ running: slots.running, waiting: slots.waiting }).to.deep.equal({ running: 0, waiting: 0 });
  });

  it('run() starts waiting tasks in the order they came', async () => {
    const slots = new ProcessingSlots(1);
    const order: number[] = [];
    const first = heldTask(0);
    const running = slots.run(first.task);
    const waiting = [1, 2, 3].map((n) => slots.run(async () => {
      order.push(n);
    }));
    await settle();
    expect(order).to.deep.equal([]);
    first.finish();
    await Promise.all([running, ...waiting]);
    expect(order).to.deep.equal([1, 2, 3]);
  });

  it('run() rejects with the task\'s error and frees the slot for the next task', async () => {
    const slots = new ProcessingSlots(1);
    const failing = heldTask(0);
    const failed = slots.run(failing.task);
    const next = slots.run(async () => 'next ran');
    await settle();
    expect(slots.waiting).to.equal(1);
    failing.fail(new Error('The image could not be decoded.'));
    expect((await rejectionOf(failed)).message).to.equal('The image could not be decoded.');
    expect(await next).to.equal('next ran');
    expect(slots.running).to.equal(0);
  });

  it('run() rejects, and frees the slot, when the task throws before returning a promise', async () => {
    const slots = new ProcessingSlots(1);
    const error = await rejectionOf(slots.run(() => {
      throw new TypeError('no promise');
    }));
    expect(error).to.be.instanceOf(TypeError);
    expect(slots.running).to.equal(0);
    expect(await slots.run(async () => 42)).to.equal(42);
  });

  it('new ProcessingSlots() needs a whole number of slots of at least 1', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => new ProcessingSlots(size), String(size)).to.throw(RangeError, /whole number of slots/);
    expect(new ProcessingSlots(3).size).to.equal(3);
  });
});
