/// <reference lib="dom" />
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findChromium } from '../../core/browser/find-chromium.ts';

/** A phone-sized viewport (an iPhone 12-class screen), touch and all. */
export const phoneViewport = Object.freeze({ width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

/** What went wrong in the page: console errors (CSP violations among them), uncaught exceptions, failed requests. */
export interface PageProblems {
  list: string[];
}

/**
 * Launches the system Chromium headless (found like Kirjuri finds it: KIRJURI_CHROMIUM or the usual
 * paths). The flags suit a root user in a container; self-signed test certificates are accepted.
 */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findChromium(process.env.KIRJURI_CHROMIUM ?? null),
    headless: true,
    acceptInsecureCerts: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
}

/** Opens a page with a phone viewport, in a fresh context (no cookies), that records every problem the page reports. */
export async function openPhonePage(browser: Browser): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  await page.setViewport(phoneViewport);
  const problems: PageProblems = { list: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.list.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.list.push(`page error: ${(error as Error).message}`));
  page.on('requestfailed', (request) => problems.list.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
  return { page, problems };
}

/** Whether the page scrolls sideways (it must not, on a phone). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
