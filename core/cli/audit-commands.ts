import type { Command } from 'commander';
import { instanceChain } from '../audit/audit-chain.ts';
import { CliFailure } from './cli-failure.ts';
import { exitCodes } from './exit-codes.ts';
import { withKirjuri } from './with-kirjuri.ts';

/** `kirjuri audit verify [--tenant SLUG]`: recomputes the hash chains and names the first bad entry of each. */
export function addAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The audit log.');
  audit
    .command('verify')
    .description('Recompute the audit hash chains (every tenant\'s and the instance\'s, or one tenant\'s) and name the first bad entry; exits 1 if any chain is broken.')
    .option('--tenant <slug>', 'only this tenant\'s chain')
    .action(async (options: { tenant?: string }) => {
      await withKirjuri(async ({ identity, audit: kirjuriAudit }) => {
        let chains: Array<{ id: string; label: string }>;
        if (options.tenant) {
          const tenant = await identity.tenants.findBySlug(options.tenant);
          if (!tenant) throw new CliFailure(`There is no tenant "${options.tenant}"; see kirjuri tenant list.`, exitCodes.failure);
          chains = [{ id: tenant.id, label: `/t/${tenant.slug}` }];
        } else {
          const slugs = new Map((await identity.tenants.list()).map((tenant) => [tenant.id, `/t/${tenant.slug}`]));
          chains = (await kirjuriAudit.verifier.chains()).map((id) => ({ id, label: id === instanceChain ? 'instance' : slugs.get(id) ?? `tenant ${id}` }));
        }
        let broken = 0;
        for (const chain of chains) {
          const verdict = await kirjuriAudit.verifier.verify(chain.id);
          if (verdict.ok) console.log(`${chain.label}: ok, ${verdict.checked} entries`);
          else {
            broken += 1;
            console.log(`${chain.label}: BROKEN at entry ${verdict.firstBadSeq}: ${verdict.reason} (${verdict.checked} entries before it checked out)`);
          }
        }
        if (chains.length === 0) console.log('No audit entries yet.');
        if (broken > 0) throw new CliFailure(`${broken} audit chain${broken === 1 ? ' is' : 's are'} broken: see above.`, exitCodes.failure);
      });
    });
}
