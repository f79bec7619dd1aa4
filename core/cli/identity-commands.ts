import type { Command } from 'commander';
import type { AuditEvent } from '../audit/audit-event.ts';
import { setUpInstance } from '../identity/instance-setup.ts';
import { checkNewPassword } from '../identity/password-policy.ts';
import { isTenantRole, tenantRoles, type TenantRole } from '../tenants/roles.ts';
import { CliFailure } from './cli-failure.ts';
import { exitCodes } from './exit-codes.ts';
import { withKirjuri } from './with-kirjuri.ts';
import { passwordLinkUrl } from '../http/one-time-links.ts';

const roleOption = (value: string): TenantRole => {
  if (!isTenantRole(value)) throw new CliFailure(`--role must be one of ${tenantRoles.join(', ')}, not "${value}".`, exitCodes.usage);
  return value;
};

// What the audit log records as the client of a command run on the server.
const cliClient = Object.freeze({ ip: null, userAgent: 'kirjuri-cli' });

/** An audit entry for an administrator's command: the instance chain (or a tenant's), no signed-in actor. */
function cliEvent(input: { tenantId?: string | null; action: string; objectType: string; objectId: string; details: Record<string, unknown> }): AuditEvent {
  return { tenantId: input.tenantId ?? null, action: input.action, actorId: null, actorEmail: null, objectType: input.objectType, objectId: input.objectId, ip: null, userAgent: cliClient.userAgent, outcome: 'success', details: { ...input.details, via: 'cli' } };
}

/** The base URL links are printed with: server.publicUrl, else this machine's HTTPS address. */
const baseUrlOf = (config: { server: { publicUrl: string | null; tls: boolean; port: number } }): string =>
  config.server.publicUrl ?? `${config.server.tls ? 'https' : 'http'}://localhost:${config.server.port}`;

/** `kirjuri setup`, `kirjuri tenant create|list` and `kirjuri user create|disable|enable|reset-password`. */
export function addIdentityCommands(program: Command): void {
  program
    .command('setup')
    .description('First run only: create the first instance administrator and the first tenant (the same as the setup page).')
    .requiredOption('--email <email>', 'the administrator\'s email')
    .requiredOption('--password <password>', 'the administrator\'s password (12 to 128 characters, not a common one)')
    .requiredOption('--name <name>', 'the administrator\'s name')
    .requiredOption('--tenant-name <name>', 'the first tenant\'s (company\'s) name')
    .requiredOption('--tenant-slug <slug>', 'the first tenant\'s address, such as rakennus-oy (/t/rakennus-oy)')
    .action(async (options: { email: string; password: string; name: string; tenantName: string; tenantSlug: string }) => {
      await withKirjuri(async ({ db, identity, app }) => {
        const { user, tenant } = await setUpInstance(
          { db, users: identity.users, tenants: identity.tenants, memberships: identity.memberships, hasher: identity.hasher, audit: app.context.audit, client: cliClient },
          { email: options.email, password: options.password, name: options.name, tenant: { name: options.tenantName, slug: options.tenantSlug } },
        );
        console.log(`Kirjuri is set up: ${user.email} administers the instance and the tenant "${tenant.name}" (/t/${tenant.slug}).`);
      });
    });

  const tenant = program.command('tenant').description('Manage tenants (each company\'s own environment).');
  tenant
    .command('create')
    .description('Create a tenant; --admin-email makes an existing user its first admin.')
    .requiredOption('--name <name>', 'the tenant\'s name')
    .requiredOption('--slug <slug>', 'its address: lower-case letters, digits and hyphens')
    .option('--admin-email <email>', 'an existing user to make the tenant\'s admin')
    .action(async (options: { name: string; slug: string; adminEmail?: string }) => {
      await withKirjuri(async ({ db, identity, app }) => {
        const admin = options.adminEmail ? await identity.users.findByEmail(options.adminEmail) : null;
        if (options.adminEmail && !admin) throw new CliFailure(`No user has the email ${options.adminEmail}; create them first with kirjuri user create.`, exitCodes.failure);
        const created = await db.transaction(async (transaction) => {
          const made = await identity.tenants.create({ name: options.name, slug: options.slug }, transaction);
          if (admin) await identity.memberships.add({ tenantId: made.id, userId: admin.id, role: 'admin' }, transaction);
          await app.context.audit.record(cliEvent({ action: 'tenant.create', objectType: 'tenant', objectId: made.id, details: { slug: made.slug, name: made.name } }), transaction);
          if (admin) await app.context.audit.record(cliEvent({ tenantId: made.id, action: 'member.add', objectType: 'user', objectId: admin.id, details: { email: admin.email, role: 'admin' } }), transaction);
          return made;
        });
        console.log(`Created the tenant "${created.name}" at /t/${created.slug}${admin ? ` with ${admin.email} as its admin` : ''}.`);
      });
    });
  tenant
    .command('list')
    .description('List every tenant.')
    .action(async () => {
      await withKirjuri(async ({ identity }) => {
        const tenants = await identity.tenants.list();
        if (tenants.length === 0) console.log('No tenants yet: run kirjuri setup or kirjuri tenant create.');
        for (const t of tenants) console.log(`${t.slug}\t${t.name}\t${new Date(t.createdAt).toISOString()}`);
      });
    });

  const user = program.command('user').description('Manage users.');
  user
    .command('create')
    .description('Create a user, optionally as a member of a tenant; without --password a one-time link to set one is printed.')
    .requiredOption('--email <email>', 'their email')
    .requiredOption('--name <name>', 'their name')
    .option('--password <password>', 'their password (12 to 128 characters, not a common one)')
    .option('--tenant <slug>', 'a tenant to add them to')
    .option('--role <role>', `their role in that tenant: ${tenantRoles.join(', ')}`, roleOption, 'member' as TenantRole)
    .option('--instance-admin', 'make them an instance administrator', false)
    .action(async (options: { email: string; name: string; password?: string; tenant?: string; role: TenantRole; instanceAdmin: boolean }) => {
      await withKirjuri(async ({ db, identity, config, app }) => {
        if (options.password !== undefined) {
          const problem = checkNewPassword(options.password, { email: options.email, name: options.name });
          if (problem) throw new CliFailure(`The password cannot be used: ${problem}`, exitCodes.failure);
        }
        const tenantRow = options.tenant ? await identity.tenants.findBySlug(options.tenant) : null;
        if (options.tenant && !tenantRow) throw new CliFailure(`There is no tenant "${options.tenant}"; see kirjuri tenant list.`, exitCodes.failure);
        const passwordHash = options.password !== undefined ? await identity.hasher.hash(options.password) : null;
        const made = await db.transaction(async (transaction) => {
          const created = await identity.users.create({ email: options.email, name: options.name, passwordHash, isInstanceAdmin: options.instanceAdmin }, transaction);
          if (tenantRow) await identity.memberships.add({ tenantId: tenantRow.id, userId: created.id, role: options.role }, transaction);
          const reset = passwordHash === null ? await identity.resets.create(created.id, null, transaction) : null;
          await app.context.audit.record(cliEvent({ action: 'user.create', objectType: 'user', objectId: created.id, details: { email: created.email, instanceAdmin: options.instanceAdmin } }), transaction);
          if (tenantRow) await app.context.audit.record(cliEvent({ tenantId: tenantRow.id, action: 'member.add', objectType: 'user', objectId: created.id, details: { email: created.email, role: options.role } }), transaction);
          return { created, reset };
        });
        console.log(`Created ${made.created.email}${tenantRow ? ` as ${options.role} of /t/${tenantRow.slug}` : ''}${options.instanceAdmin ? ', instance administrator' : ''}.`);
        if (made.reset) console.log(`They set their password at ${passwordLinkUrl(baseUrlOf(config), made.reset.secret)} (one-time link, valid 24 h).`);
      });
    });
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(name)
      .description(disabled ? 'Disable a user everywhere; their sessions end at once.' : 'Enable a disabled user again.')
      .requiredOption('--email <email>', 'their email')
      .action(async (options: { email: string }) => {
        await withKirjuri(async ({ db, identity, app }) => {
          const found = await identity.users.findByEmail(options.email);
          if (!found) throw new CliFailure(`No user has the email ${options.email}.`, exitCodes.failure);
          await db.transaction(async (transaction) => {
            await identity.users.setDisabled(found.id, disabled, transaction);
            if (disabled) await identity.sessions.destroyAllOfUser(found.id, { transaction });
            await app.context.audit.record(cliEvent({ action: 'user.update', objectType: 'user', objectId: found.id, details: { email: found.email, disabled } }), transaction);
          });
          console.log(`${found.email} is ${disabled ? 'disabled; their sessions have ended' : 'enabled again'}.`);
        });
      });
  }
  user
    .command('reset-password')
    .description('Print a one-time link for a user to set a new password (also lifts a sign-in block).')
    .requiredOption('--email <email>', 'their email')
    .action(async (options: { email: string }) => {
      await withKirjuri(async ({ db, identity, config, app }) => {
        const found = await identity.users.findByEmail(options.email);
        if (!found) throw new CliFailure(`No user has the email ${options.email}.`, exitCodes.failure);
        const reset = await db.transaction(async (transaction) => {
          const made = await identity.resets.create(found.id, null, transaction);
          await app.context.audit.record(cliEvent({ action: 'user.update', objectType: 'user', objectId: found.id, details: { email: found.email, passwordLink: true } }), transaction);
          return made;
        });
        console.log(`${found.email} sets a new password at ${passwordLinkUrl(baseUrlOf(config), reset.secret)} (one-time link, valid 24 h).`);
      });
    });
}
