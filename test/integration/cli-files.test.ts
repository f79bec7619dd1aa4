import { Readable } from 'node:stream';
import { expect } from 'chai';
import { cliInstance, type CliInstance } from '../helpers/cli-instance.ts';
import { makeTenant } from '../helpers/stored-blobs.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.ts';

describe('kirjuri files sweep', () => {
  let database: TestDatabase;
  let cli: CliInstance;

  before(async function () {
    this.timeout(60_000);
    database = await createTestDatabase('sqlite');
    cli = cliInstance(database);
  });
  after(async () => {
    await database?.drop();
    cli?.remove();
  });

  it('deletes ciphertext no row names once it is old enough, and keeps every committed file', async function () {
    this.timeout(60_000);
    const { orphanKey, keptKey } = await cli.inProcess(async (kirjuri) => {
      const tenant = await makeTenant(kirjuri, 'sweep');
      const files = kirjuri.services.get('core.files');
      const kept = await files.store(tenant.id, Readable.from([Buffer.from('a committed file')]), { maxBytes: 100 });
      await kirjuri.db.transaction((transaction) => files.commit(kept, transaction));
      // Stored but never committed: what a crash between the write and the commit leaves.
      const orphan = await files.store(tenant.id, Readable.from([Buffer.from('left behind')]), { maxBytes: 100 });
      return { orphanKey: orphan.storageKey, keptKey: kept.storageKey };
    });
    const young = cli.run(['files', 'sweep']);
    expect(young.status, young.stderr).to.equal(0);
    expect(young.stdout).to.contain('deleted 0 that no row named');
    const swept = cli.run(['files', 'sweep', '--older-than-hours', '0']);
    expect(swept.status, swept.stderr).to.equal(0);
    expect(swept.stdout).to.match(/Checked \d+ stored blobs?; deleted 1 that no row named\./);
    await cli.inProcess(async (kirjuri) => {
      expect(await kirjuri.blobs.stat(orphanKey)).to.equal(null);
      expect(await kirjuri.blobs.stat(keptKey)).to.not.equal(null);
    });
    expect(cli.run(['files', 'sweep', '--older-than-hours', 'soon']).status).to.not.equal(0);
  });
});
