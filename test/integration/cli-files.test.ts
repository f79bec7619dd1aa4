import { existsSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
    expect(swept.stdout).to.match(/Checked \d+ stored blobs?; deleted 1 that no row named; removed 0 temporary files of interrupted uploads\./);
    await cli.inProcess(async (kirjuri) => {
      expect(await kirjuri.blobs.stat(orphanKey)).to.equal(null);
      expect(await kirjuri.blobs.stat(keptKey)).to.not.equal(null);
    });
    expect(cli.run(['files', 'sweep', '--older-than-hours', 'soon']).status).to.not.equal(0);
  });

  it('removes the .partial files of uploads a crash cut off once untouched long enough, never one touched within the last hour, and says how many', async function () {
    this.timeout(60_000);
    const tempDir = await cli.inProcess(async (kirjuri) => join((kirjuri.blobs as unknown as { directory: string }).directory, '.tmp'));
    // What a kill -9 during an upload leaves: its temporary file, half written, never renamed.
    const crashed = join(tempDir, '0b6f9c4e-crashed-upload.partial');
    const lastWeek = join(tempDir, '6a1d2e3f-older-crash.partial');
    const writing = join(tempDir, '9c8b7a6d-upload-in-progress.partial');
    for (const file of [crashed, lastWeek, writing]) await writeFile(file, Buffer.alloc(4096, 1));
    const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
    await utimes(crashed, hoursAgo(7), hoursAgo(7));
    await utimes(lastWeek, hoursAgo(2), hoursAgo(2));
    const sweep = cli.run(['files', 'sweep']);
    expect(sweep.status, sweep.stderr).to.equal(0);
    expect(sweep.stdout).to.contain('removed 1 temporary file of interrupted uploads');
    expect(existsSync(crashed)).to.equal(false);
    expect(existsSync(lastWeek), 'two hours untouched is younger than the default six').to.equal(true);
    // Even with --older-than-hours 0 a file written within the last hour may be a running upload's.
    const eager = cli.run(['files', 'sweep', '--older-than-hours', '0']);
    expect(eager.status, eager.stderr).to.equal(0);
    expect(eager.stdout).to.contain('removed 1 temporary file of interrupted uploads');
    expect(existsSync(lastWeek)).to.equal(false);
    expect(existsSync(writing)).to.equal(true);
    expect(cli.run(['files', 'sweep', '--help']).stdout).to.contain('never sooner than 1 hour');
  });
});
