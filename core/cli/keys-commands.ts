import { InvalidArgumentError, type Command } from 'commander';
import type { KirjuriApp } from '../app.ts';
import { KeyringError } from '../crypto/keyring-error.ts';
import type { Tenant } from '../tenants/tenant-store.ts';
import { CliFailure } from './cli-failure.ts';
import { exitCodes } from './exit-codes.ts';
import { withKirjuri } from './with-kirjuri.ts';

/** `kirjuri keys status|rotate|retire`: the master key and tenant key versions, their rotation and retirement. */
export function addKeysCommands(program: Command): void {
  const keys = program.command('keys').description('The master key and the tenant keys: versions, rotation, retirement (README: Keys and what to back up).');
  keys
    .command('status')
    .description('Show the master key versions and each tenant\'s key versions, with how many keys or files are on each.')
    .action(() => withKeyring(async (kirjuri) => {
      const status = await kirjuri.keys.status();
      const { masterKey } = status;
      console.log(`Master key: ${masterKey.file ? `the key file ${masterKey.file}` : 'KIRJURI_MASTER_KEY'}, current version ${masterKey.currentVersion}`);
      for (const entry of masterKey.versions) {
        const notes = [entry.version === masterKey.currentVersion ? 'current' : '', entry.inKeySource ? '' : 'MISSING from the master key'].filter(Boolean);
        console.log(`  v${entry.version}${notes.length ? ` (${notes.join(', ')})` : ''}: ${plural(entry.tenantKeys, 'tenant key')}`);
      }
      const slugs = new Map((await kirjuri.identity.tenants.list()).map((tenant) => [tenant.id, `/t/${tenant.slug}`]));
      console.log(status.tenantKeys.length ? 'Tenant keys:' : 'Tenant keys: none yet (a tenant\'s key is made when it stores its first file).');
      for (const entry of status.tenantKeys) {
        console.log(`  ${slugs.get(entry.tenantId) ?? `tenant ${entry.tenantId}`} v${entry.version} (${entry.current ? 'current, ' : ''}wrapped with master key v${entry.kekVersion}): ${plural(entry.blobs, 'file')}`);
      }
    }));
  keys
    .command('rotate')
    .description('Make a new master key version and re-wrap every tenant key with it (or, with --tenant, a new key for that tenant and re-wrap its files\' keys). An interrupted rotation is finished by running it again.')
    .option('--tenant <slug>', 'rotate this tenant\'s key instead of the master key')
    .action((options: { tenant?: string }) => withKeyring(async (kirjuri) => {
      if (options.tenant) {
        const tenant = await tenantBySlug(kirjuri, options.tenant);
        const result = await kirjuri.keys.rotateTenantKey(tenant.id);
        const retired = result.retired.length ? `; version${result.retired.length === 1 ? '' : 's'} ${result.retired.join(', ')} retired` : '';
        if (result.created && result.version === 1) console.log(`/t/${tenant.slug} had no key yet: its first key (version 1) was made.`);
        else console.log(`${result.created ? `The key of /t/${tenant.slug} was rotated to version ${result.version}` : `The interrupted rotation of /t/${tenant.slug}'s key to version ${result.version} was finished`}: ${plural(result.rewrapped, 'file key')} re-wrapped${retired}.`);
        return;
      }
      const result = await kirjuri.keys.rotateMasterKey();
      const file = kirjuri.keys.masterKeys.file!;
      const previous = kirjuri.keys.masterKeys.versions.filter((v) => v < result.version);
      console.log(`${result.created ? `The master key was rotated to version ${result.version}` : `The interrupted rotation to master key version ${result.version} was finished`}: ${plural(result.rewrapped, 'tenant key')} re-wrapped.`);
      console.log(`Back up the key file ${file} now: it holds the new version, and the data can no longer be read without it.`);
      if (previous.length) console.log(`Once that backup is safe, remove the old version${previous.length === 1 ? '' : 's'}: ${previous.map((v) => `kirjuri keys retire --version ${v}`).join('; ')}.`);
    }));
  keys
    .command('retire')
    .description('Remove an old master key version from the key file (or, with --tenant, delete an old key version of that tenant) once nothing is wrapped with it any more.')
    .requiredOption('--version <n>', 'the version to retire (see kirjuri keys status)', keyVersion)
    .option('--tenant <slug>', 'retire a key version of this tenant instead of a master key version')
    .action((options: { version: number; tenant?: string }) => withKeyring(async (kirjuri) => {
      if (options.tenant) {
        const tenant = await tenantBySlug(kirjuri, options.tenant);
        await kirjuri.keys.retireTenantKey(tenant.id, options.version);
        console.log(`Key version ${options.version} of /t/${tenant.slug} was retired.`);
        return;
      }
      await kirjuri.keys.retireMasterKey(options.version);
      console.log(`Master key version ${options.version} was retired: it is no longer in ${kirjuri.keys.masterKeys.file}. Back up the key file again.`);
    }));
}

/** Boots Kirjuri for a keys command; a keyring refusal becomes the command's sentence and exit code 1. */
async function withKeyring(work: (kirjuri: KirjuriApp) => Promise<void>): Promise<void> {
  await withKirjuri(async (kirjuri) => {
    try {
      await work(kirjuri);
    } catch (error) {
      if (error instanceof KeyringError) throw new CliFailure(error.message, exitCodes.failure, error);
      throw error;
    }
  });
}

async function tenantBySlug(kirjuri: KirjuriApp, slug: string): Promise<Tenant> {
  const tenant = await kirjuri.identity.tenants.findBySlug(slug);
  if (!tenant) throw new CliFailure(`There is no tenant "${slug}"; see kirjuri tenant list.`, exitCodes.failure);
  return tenant;
}

function keyVersion(value: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new InvalidArgumentError('must be a key version: a whole number from 1 (see kirjuri keys status)');
  return Number(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
