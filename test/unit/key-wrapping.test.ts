import { expect } from 'chai';
import { newSecretKey, unwrapKey, wrapKey } from '../../core/crypto/key-wrapping.ts';
import { tenantKeyContext } from '../../core/crypto/tenant-key-store.ts';
import { dataKeyContext } from '../../core/files/blob-keys.ts';

describe('key wrapping', () => {
  const wrapping = newSecretKey();
  const key = newSecretKey();

  it('wrapKey() and unwrapKey() round-trip a key under its context, with a fresh nonce each time', () => {
    const context = dataKeyContext('tenant-a', 'blob-1', 1);
    const wrapped = wrapKey(wrapping, key, context);
    expect(unwrapKey(wrapping, wrapped, context)!.equals(key)).to.equal(true);
    expect(wrapKey(wrapping, key, context)).not.to.equal(wrapped);
    expect(Buffer.from(wrapped, 'base64')).to.have.length(61);
  });

  it('unwrapKey() returns null when the wrapped key is moved to another blob, tenant or version', () => {
    const wrapped = wrapKey(wrapping, key, dataKeyContext('tenant-a', 'blob-1', 1));
    for (const context of [dataKeyContext('tenant-a', 'blob-2', 1), dataKeyContext('tenant-b', 'blob-1', 1), dataKeyContext('tenant-a', 'blob-1', 2), tenantKeyContext('tenant-a', 1, 1)]) {
      expect(unwrapKey(wrapping, wrapped, context), JSON.stringify(context)).to.equal(null);
    }
    const tenantWrapped = wrapKey(wrapping, key, tenantKeyContext('tenant-a', 1, 1));
    for (const context of [tenantKeyContext('tenant-b', 1, 1), tenantKeyContext('tenant-a', 2, 1), tenantKeyContext('tenant-a', 1, 2)]) expect(unwrapKey(wrapping, tenantWrapped, context)).to.equal(null);
  });

  it('unwrapKey() returns null when the wrapping key is wrong or the wrapped value was changed', () => {
    const context = tenantKeyContext('tenant-a', 1, 1);
    const wrapped = wrapKey(wrapping, key, context);
    expect(unwrapKey(newSecretKey(), wrapped, context)).to.equal(null);
    const bytes = Buffer.from(wrapped, 'base64');
    for (const offset of [0, 5, 20, 60]) {
      const changed = Buffer.from(bytes);
      changed[offset]! ^= 1;
      expect(unwrapKey(wrapping, changed.toString('base64'), context), `byte ${offset}`).to.equal(null);
    }
    expect(unwrapKey(wrapping, 'c2hvcnQ=', context)).to.equal(null);
  });

  it('the context is unambiguous: ids that would run together with a separator stay apart', () => {
    const wrapped = wrapKey(wrapping, key, dataKeyContext('a:b', 'c', 1));
    expect(unwrapKey(wrapping, wrapped, dataKeyContext('a', 'b:c', 1))).to.equal(null);
  });
});
