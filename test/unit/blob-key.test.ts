import { expect } from 'chai';
import { assertBlobKey, assertBlobKeyPrefix, isBlobKey, maxBlobKeyLength } from '../../core/files/blob-key.ts';
import { assertBlobRange, assertBlobStore } from '../../core/files/blob-store.ts';
import { InvalidBlobKeyError } from '../../core/files/blob-store-errors.ts';
import { badBlobKeys } from '../helpers/blob-store-contract.ts';

const messageOf = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
};

describe('assertBlobKey()', () => {
  it('assertBlobKey() accepts server-made keys', () => {
    for (const key of ['tenants/6f1c2d9e-0b7a-4c3e-9a51-2f0d8e4b7c11/0d8e4b7c-2f0d-4c3e-9a51-6f1c2d9e0b7a', 'tenants/t1/ab.v2', 'a', 'x/y_z-1', 'a'.repeat(200)]) {
      expect(() => assertBlobKey(key), key).not.to.throw();
      expect(isBlobKey(key)).to.equal(true);
    }
  });

  it('assertBlobKey() refuses every key that is not server-made with InvalidBlobKeyError', () => {
    for (const key of badBlobKeys) {
      expect(() => assertBlobKey(key), JSON.stringify(key)).to.throw(InvalidBlobKeyError);
      expect(isBlobKey(key)).to.equal(false);
    }
  });

  it('assertBlobKey() says why a key is refused, quoting it escaped', () => {
    expect(messageOf(() => assertBlobKey('tenants/../x'))).to.equal('The blob key "tenants/../x" is refused because it has a ".." segment: keys are made by the server, like "tenants/<tenantId>/<blobId>".');
    expect(messageOf(() => assertBlobKey('/etc/passwd'))).to.contain('because it is an absolute path');
    expect(messageOf(() => assertBlobKey('a//b'))).to.contain('because it has an empty segment');
    expect(messageOf(() => assertBlobKey('a'.repeat(maxBlobKeyLength + 1)))).to.contain(`longer than ${maxBlobKeyLength} characters`);
    expect(messageOf(() => assertBlobKey('tenants/t1/x\n'))).to.contain('"tenants/t1/x\\n"').and.to.contain('holds other characters');
    expect(messageOf(() => assertBlobKey(42))).to.equal('A blob key must be a string, not number.');
  });
});

describe('assertBlobKeyPrefix()', () => {
  it('assertBlobKeyPrefix() accepts nothing, whole segments and the start of a segment', () => {
    for (const prefix of ['', 'tenants', 'tenants/', 'tenants/t1/', 'tenants/t1/ab']) expect(() => assertBlobKeyPrefix(prefix), prefix).not.to.throw();
  });

  it('assertBlobKeyPrefix() refuses absolute, climbing and empty-segment prefixes', () => {
    for (const prefix of ['/', '/tenants', '../', 'tenants/../', 'tenants//', '.tmp/']) expect(() => assertBlobKeyPrefix(prefix), prefix).to.throw(InvalidBlobKeyError, /^The blob key prefix .* is refused because/);
  });
});

describe('assertBlobStore() and assertBlobRange()', () => {
  it('assertBlobStore() names the methods a would-be store lacks and where it came from', () => {
    const halfAStore = { put: async () => ({ size: 0 }), get: async () => null, stat: 'no' };
    expect(messageOf(() => assertBlobStore(halfAStore, 'the plugin "x"'))).to.equal('The blob store from the plugin "x" is not a BlobStore: it lacks stat(), delete(), list(), close(). A blob store must have put, get, stat, delete, list, close (core/files/blob-store.ts).');
    expect(() => assertBlobStore(null, 'nowhere')).to.throw(/lacks put\(\), get\(\)/);
  });

  it('assertBlobRange() refuses ranges that are not whole offsets with start <= end', () => {
    expect(() => assertBlobRange({ start: 0, end: 0 })).not.to.throw();
    for (const range of [{ start: 2, end: 1 }, { start: -1, end: 1 }, { start: 0, end: Number.NaN }, { start: 0, end: 2 ** 60 }]) {
      expect(() => assertBlobRange(range), JSON.stringify(range)).to.throw(RangeError, /is not valid: start and end are whole byte offsets/);
    }
  });
});
