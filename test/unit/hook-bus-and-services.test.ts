import { expect } from 'chai';
import { HookBus } from '../../core/kernel/hook-bus.ts';
import { ServiceRegistry } from '../../core/kernel/service-registry.ts';

describe('HookBus', () => {
  it('emit() runs handlers in registration order and awaits each', async () => {
    const bus = new HookBus(['app.started']);
    const seen: string[] = [];
    bus.on('a', 'app.started', async () => { await new Promise((r) => setTimeout(r, 5)); seen.push('a'); });
    bus.on('b', 'app.started', () => { seen.push('b'); });
    await bus.emit('app.started', { at: new Date() });
    expect(seen).to.deep.equal(['a', 'b']);
    expect(bus.count('app.started')).to.equal(2);
  });

  it('emit() stops at the first failing handler and names its owner', async () => {
    const bus = new HookBus(['app.stopping']);
    let after = false;
    bus.on('records', 'app.stopping', () => { throw new Error('boom'); });
    bus.on('images', 'app.stopping', () => { after = true; });
    const error = await bus.emit('app.stopping', { reason: 'test' }).catch((e: Error) => e);
    expect((error as Error).message).to.equal('The records handler of hook "app.stopping" failed: boom');
    expect(after).to.equal(false);
  });

  it('on() refuses hooks nobody declared, and declare() adds them', () => {
    const bus = new HookBus([]);
    expect(() => bus.on('x', 'app.started', () => undefined)).to.throw('x listens to an unknown hook "app.started"');
    bus.declare('app.started');
    expect(() => bus.on('x', 'app.started', () => undefined)).not.to.throw();
  });
});

describe('ServiceRegistry', () => {
  it('get() returns a built service and refuses one not built yet or unknown', async () => {
    const registry = new ServiceRegistry();
    registry.provide('records', 'records.templates', () => ({ kind: 'templates' }));
    expect(() => registry.get('records.templates')).to.throw('Service "records.templates" is not ready yet: records has not bootstrapped.');
    await registry.build('records');
    expect(registry.get<{ kind: string }>('records.templates').kind).to.equal('templates');
    expect(() => registry.get('nope.thing')).to.throw('No service is named "nope.thing"');
  });

  it('provide() refuses malformed names', () => {
    const registry = new ServiceRegistry();
    expect(() => registry.provide('records', 'templates', () => 1)).to.throw('must look like "records.serviceName"');
  });

  it('build() names a service whose factory fails', async () => {
    const registry = new ServiceRegistry();
    registry.provide('images', 'images.processor', () => { throw new Error('sharp is missing'); });
    const error = await registry.build('images').catch((e: Error) => e);
    expect((error as Error).message).to.equal('Service "images.processor" could not be created: sharp is missing');
  });
});
