import { expect } from 'chai';
import type { Context } from 'koa';
import { PageExtensions } from '../../core/web/page-extensions.ts';
import { AppError } from '../../core/http/app-error.ts';

const ctx = {} as Context;

describe('PageExtensions', () => {
  it('navFor() puts Home first, orders entries, shows each to its roles, and marks the longest matching entry current', () => {
    const pages = new PageExtensions();
    pages.addNavEntry('records', { label: 'Templates', path: (t) => `/t/${t}/templates`, order: 20, roles: ['admin', 'manager'] });
    pages.addNavEntry('records', { label: 'Records', path: (t) => `/t/${t}/records`, order: 10 });
    expect(pages.navFor('acme', 'admin', '/t/acme/records/abc')).to.deep.equal([
      { href: '/t/acme', label: 'Home' },
      { href: '/t/acme/records', label: 'Records', current: true },
      { href: '/t/acme/templates', label: 'Templates' },
    ]);
    expect(pages.navFor('acme', 'viewer', '/t/acme').map((entry) => [entry.label, entry.current ?? false])).to.deep.equal([['Home', true], ['Records', false]]);
    // A path that only starts with an entry's text is not under it.
    expect(pages.navFor('acme', 'viewer', '/t/acme/recordsx').find((entry) => entry.current)?.label).to.equal('Home');
  });

  it('renderPanels() renders a slot\'s panels in order, leaves out empty ones and those refused with 403/404, and names the plugin of a failing one', async () => {
    const pages = new PageExtensions();
    pages.addPanel('b', 'folder.page', { order: 20, render: () => '<p>second</p>' });
    pages.addPanel('a', 'folder.page', { order: 10, render: async (_ctx, { folder }) => `<p>first ${folder.name}</p>` });
    pages.addPanel('c', 'folder.page', { render: () => null });
    pages.addPanel('d', 'folder.page', { render: () => { throw new AppError(404, 'not_found', 'Hidden.'); } });
    const html = await pages.renderPanels(ctx, 'folder.page', { folder: { id: 'f', name: 'Site', access: 'view' } });
    expect(html.map(String)).to.deep.equal(['<p>first Site</p>', '<p>second</p>']);
    expect(await pages.renderPanels(ctx, 'tenant.home', {})).to.deep.equal([]);
    pages.addPanel('broken', 'tenant.home', { render: () => { throw new Error('boom'); } });
    const failure = await pages.renderPanels(ctx, 'tenant.home', {}).then(() => null, (error: Error) => error);
    expect(failure?.message).to.equal('The tenant.home panel of plugin broken failed: boom');
  });
});
