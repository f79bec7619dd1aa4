import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { packageRoot } from '../../core/kernel/install-paths.ts';

const bin = join(packageRoot, 'bin', 'kirjuri.js');

describe('kirjuri setup, tenant and user commands', function () {
  this.timeout(120_000);
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 60_000 });

  before(() => {
    const dir = mkdtempSync(join(tmpdir(), 'kirjuri-cli-identity-'));
    env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KIRJURI_')) env[k] = v;
    Object.assign(env, { KIRJURI_DATA_DIR: join(dir, 'data'), KIRJURI_MASTER_KEY_FILE: join(dir, 'keys', 'master.key'), KIRJURI_LOG_LEVEL: 'warn' });
  });

  it('setup creates the administrator and tenant once; a second setup fails with exit 1 and a sentence', () => {
    const weak = run('setup', '--email', 'root@example.com', '--password', 'password1234', '--name', 'Root', '--tenant-name', 'Rakennus Oy', '--tenant-slug', 'rakennus');
    expect(weak.status).to.equal(1);
    expect(weak.stderr).to.contain('The password cannot be used');
    const first = run('setup', '--email', 'root@example.com', '--password', 'correct horse battery staple', '--name', 'Root', '--tenant-name', 'Rakennus Oy', '--tenant-slug', 'rakennus');
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('root@example.com administers the instance and the tenant "Rakennus Oy" (/t/rakennus)');
    const second = run('setup', '--email', 'x@example.com', '--password', 'correct horse battery staple', '--name', 'X', '--tenant-name', 'X', '--tenant-slug', 'x');
    expect(second.status).to.equal(1);
    expect(second.stderr).to.contain('already set up');
  });

  it('tenant create and list; a taken or malformed slug fails naming it', () => {
    const made = run('tenant', 'create', '--name', 'Toinen Oy', '--slug', 'toinen', '--admin-email', 'root@example.com');
    expect(made.status, made.stderr).to.equal(0);
    expect(run('tenant', 'create', '--name', 'Again', '--slug', 'toinen').stderr).to.contain('"toinen" is already taken');
    expect(run('tenant', 'create', '--name', 'Bad', '--slug', 'Bad Slug').stderr).to.contain('cannot be used');
    const list = run('tenant', 'list');
    expect(list.stdout).to.contain('rakennus\tRakennus Oy').and.to.contain('toinen\tToinen Oy');
  });

  it('user create without a password prints a one-time link; disable, enable and reset-password work; a bad role is a usage error', () => {
    const made = run('user', 'create', '--email', 'maija@example.com', '--name', 'Maija', '--tenant', 'rakennus', '--role', 'viewer');
    expect(made.status, made.stderr).to.equal(0);
    expect(made.stdout).to.contain('as viewer of /t/rakennus').and.to.match(/\/reset\?token=[A-Za-z0-9_-]{43}/);
    expect(run('user', 'disable', '--email', 'maija@example.com').stdout).to.contain('disabled');
    expect(run('user', 'enable', '--email', 'maija@example.com').stdout).to.contain('enabled again');
    expect(run('user', 'reset-password', '--email', 'maija@example.com').stdout).to.match(/\/reset\?token=/);
    expect(run('user', 'disable', '--email', 'nobody@example.com').stderr).to.contain('No user has the email nobody@example.com');
    const badRole = run('user', 'create', '--email', 'x@example.com', '--name', 'X', '--role', 'owner');
    expect(badRole.status).to.equal(2);
    expect(badRole.stderr).to.contain('--role must be one of admin, manager, member, viewer');
    expect(run('user', '--help').stdout).to.contain('reset-password');
  });
});
