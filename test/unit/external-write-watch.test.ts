import { expect } from 'chai';
import { ExternalWriteWatch } from '../../core/db/external-write-watch.ts';

/** A version source whose reads the test answers one at a time. */
function controlledVersion(): { read: () => Promise<number>; pending: Array<(version: number) => void> } {
  const pending: Array<(version: number) => void> = [];
  return { pending, read: () => new Promise<number>((resolve) => pending.push(resolve)) };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ExternalWriteWatch', () => {
  it('settled() empties the caches on the first look and whenever the version moved, not when it stayed', async () => {
    let emptied = 0;
    const source = controlledVersion();
    const watch = new ExternalWriteWatch(source.read, () => { emptied += 1; });
    const first = watch.settled();
    source.pending.shift()!(7);
    await first;
    expect(emptied).to.equal(1);
    const same = watch.settled();
    source.pending.shift()!(7);
    await same;
    expect(emptied).to.equal(1);
    const moved = watch.settled();
    source.pending.shift()!(8);
    await moved;
    expect(emptied).to.equal(2);
  });

  it('settled() called during a look waits for the next look, which all such callers share', async () => {
    const source = controlledVersion();
    let emptied = 0;
    const watch = new ExternalWriteWatch(source.read, () => { emptied += 1; });
    await Promise.all([watch.settled(), (async () => { await tick(); source.pending.shift()!(1); })()]);
    const early = watch.settled();
    let lateDone = false;
    const late = [watch.settled(), watch.settled()].map((p) => p.then(() => { lateDone = true; }));
    expect(source.pending).to.have.length(1);
    // The look under way read its version before the change: callers that came during it are not answered by it.
    source.pending.shift()!(1);
    await early;
    await tick();
    expect(lateDone).to.equal(false);
    expect(source.pending, 'one more look for both late callers').to.have.length(1);
    source.pending.shift()!(2);
    await Promise.all(late);
    expect(emptied).to.equal(2);
  });

  it('settled() treats a failed look as a change and resolves', async () => {
    let emptied = 0;
    const watch = new ExternalWriteWatch(() => Promise.reject(new Error('The database is closed')), () => { emptied += 1; });
    await watch.settled();
    await watch.settled();
    expect(emptied).to.equal(2);
  });
});
