/// <reference lib="dom" />
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findChromium } from '../../core/browser/find-chromium.ts';

/** A phone-sized viewport (an iPhone 12-class screen), touch and all. */
export const phoneViewport = Object.freeze({ width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

/** What went wrong in the page: console errors (CSP violations among them), uncaught exceptions, failed requests. */
export interface PageProblems {
  list: string[];
}

/** One HTTP response the page received (documents, stylesheets, scripts, the favicon...). */
export interface PageResponse {
  url: string;
  status: number;
  /** Puppeteer's resource type: document, stylesheet, script, image, other (the favicon)... */
  type: string;
}

/** Launches the system Chromium headless (found by findChromium), with flags for root in a container and self-signed test certificates accepted. */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findChromium(process.env.TEST_CHROMIUM ?? null),
    headless: true,
    acceptInsecureCerts: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
}

/** Launches one Chromium for the enclosing describe() (a launch costs 0.3-0.7 s) and closes it, pages and all, after its tests. */
export function useSuiteBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('The suite\'s browser is not running: call useSuiteBrowser() inside describe() and use it from tests or hooks after its before().');
    return browser;
  };
}

/** Opens a page with a phone viewport, in a fresh context (no cookies), that records every problem the page reports and every response. */
export async function openPhonePage(browser: Browser): Promise<{ page: Page; problems: PageProblems; responses: PageResponse[] }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  await page.setViewport(phoneViewport);
  const problems: PageProblems = { list: [] };
  // CSP violations reach the console as errors ("... violates the following Content Security Policy directive ..."),
  // and so do responses with 4xx/5xx ("Failed to load resource", without the URL: responses has it).
  page.on('console', (message) => {
    if (message.type() === 'error') problems.list.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.list.push(`page error: ${(error as Error).message}`));
  page.on('requestfailed', (request) => problems.list.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
  const responses: PageResponse[] = [];
  page.on('response', (response) => responses.push({ url: response.url(), status: response.status(), type: response.request().resourceType() }));
  return { page, problems, responses };
}

/** Whether the page scrolls sideways (it must not, on a phone). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
