import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { findChromium } from '../../core/browser/find-chromium.ts';

describe('findChromium()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kirjuri-chromium-'));

  it('findChromium() returns a configured executable file', () => {
    const browser = join(dir, 'my-chromium');
    writeFileSync(browser, '#!/bin/sh\n');
    chmodSync(browser, 0o755);
    expect(findChromium(browser)).to.equal(browser);
  });

  it('findChromium() refuses a configured path that is missing, a directory, or not executable, naming the setting', () => {
    const plain = join(dir, 'not-executable');
    writeFileSync(plain, 'x');
    chmodSync(plain, 0o644);
    for (const bad of [join(dir, 'missing'), dir]) {
      expect(() => findChromium(bad)).to.throw(/reports\.chromium or KIRJURI_CHROMIUM/);
    }
    // root may execute any file with an execute bit, but a file without one is refused for everybody.
    expect(() => findChromium(plain)).to.throw(/reports\.chromium or KIRJURI_CHROMIUM/);
  });
});
