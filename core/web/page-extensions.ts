import type { Context } from 'koa';
import Handlebars from 'handlebars';
import type { AccessLevel } from '../access/object-access.ts';
import type { ParticipantRole } from '../tenants/roles.ts';

/**
 * The places on core's pages where plugins add a panel, and what each place tells the panel. Plugins
 * that add places of their own extend this interface by declaration merging, like HookMap.
 */
export interface PanelSlots {
  /** The tenant's home page, below its folders (e.g. recent records). */
  'tenant.home': Record<string, never>;
  /** A folder's page, below its subfolders (e.g. the records in the folder). */
  'folder.page': { folder: { id: string; name: string; access: AccessLevel } };
}

export type PanelSlot = keyof PanelSlots;

/** A panel a plugin adds to a page: HTML rendered with `core.pages.fragment` (escaped by the theme's templates), or null for nothing. */
export interface PagePanel<S extends PanelSlot = PanelSlot> {
  /** Lower first; 100 when absent. */
  order?: number;
  render(ctx: Context, context: PanelSlots[S]): string | null | Promise<string | null>;
}

/** An entry of a tenant's main navigation: shown on that tenant's pages to the roles listed (everyone when absent). */
export interface NavEntry {
  label: string;
  /** The page, e.g. `(slug) => \`/t/${slug}/records\``. */
  path(tenantSlug: string): string;
  roles?: readonly ParticipantRole[];
  /** Lower first; 100 when absent. Home is always first. */
  order?: number;
}

/** Every panel and navigation entry the plugins declared, in order. */
export class PageExtensions {
  readonly #panels = new Map<PanelSlot, Array<{ owner: string; panel: PagePanel }>>();
  readonly #nav: Array<NavEntry & { owner: string }> = [];

  /** Adds a panel to a slot. */
  addPanel<S extends PanelSlot>(owner: string, slot: S, panel: PagePanel<S>): void {
    const list = this.#panels.get(slot) ?? [];
    list.push({ owner, panel: panel as unknown as PagePanel });
    list.sort((a, b) => (a.panel.order ?? 100) - (b.panel.order ?? 100));
    this.#panels.set(slot, list);
  }

  /** Adds a navigation entry. */
  addNavEntry(owner: string, entry: NavEntry): void {
    this.#nav.push({ ...entry, owner });
    this.#nav.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
  }

  /** The HTML of every panel of a slot for this request, ready to place unescaped in a page (each was rendered by the theme engine). */
  async renderPanels<S extends PanelSlot>(ctx: Context, slot: S, context: PanelSlots[S]): Promise<Handlebars.SafeString[]> {
    const html: Handlebars.SafeString[] = [];
    for (const { owner, panel } of this.#panels.get(slot) ?? []) {
      let rendered: string | null;
      try {
        rendered = await panel.render(ctx, context);
      } catch (error) {
        // A panel's own refusal (404/403) must not take the page down with it; anything else is a bug to see.
        if ((error as { status?: number }).status === 403 || (error as { status?: number }).status === 404) continue;
        throw new Error(`The ${slot} panel of plugin ${owner} failed: ${(error as Error).message}`, { cause: error });
      }
      if (rendered) html.push(new Handlebars.SafeString(rendered));
    }
    return html;
  }

  /** The navigation of a tenant's page for someone of `role`, Home first; `currentPath` marks the entry being shown. */
  navFor(tenantSlug: string, role: ParticipantRole, currentPath: string): Array<{ href: string; label: string; current?: boolean }> {
    const home = `/t/${tenantSlug}`;
    const entries = [{ href: home, label: 'Home' }, ...this.#nav.filter((entry) => !entry.roles || entry.roles.includes(role)).map((entry) => ({ href: entry.path(tenantSlug), label: entry.label }))];
    // The longest matching entry is the current one: /t/acme/records/1 is under Records, not Home.
    let current: string | null = null;
    for (const entry of entries) {
      if ((currentPath === entry.href || currentPath.startsWith(`${entry.href}/`)) && (current === null || entry.href.length > current.length)) current = entry.href;
    }
    return entries.map((entry) => (entry.href === current ? { ...entry, current: true } : entry));
  }

  /** Whether any plugin added navigation (a tenant with only Home shows none). */
  get hasNav(): boolean {
    return this.#nav.length > 0;
  }
}
