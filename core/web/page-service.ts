import type { Context } from 'koa';
import type { FragmentRenderer, PageRenderer } from './page-renderer.ts';

/** Core's page service for plugins (`core.pages`): themed pages and fragments, rendered like core's own. */
export interface PageService {
  /** A whole page in the tenant's theme (header, navigation, flash messages, CSRF token). */
  render: PageRenderer;
  /** A view without the layout, for a panel on another page. */
  fragment: FragmentRenderer;
  /** Answers with rendered HTML (no-store) and a status (200 unless a form is shown again with errors). */
  send(ctx: Context, html: string, status?: number): void;
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.pages': PageService;
  }
}
