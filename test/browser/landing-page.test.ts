/// <reference lib="dom" />
import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'puppeteer-core';
import { startServer, type RunningServer } from '../../core/http/start-server.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { openPhonePage, phoneViewport, scrollsSideways, useSuiteBrowser } from '../helpers/browser.ts';

const setupToken = 'landing-setup-token-0123456789';

/** What the page's own stylesheet link and nonce'd <style> amount to in the CSSOM (a style the CSP blocked gets no sheet). */
function stylesOf(page: Page): Promise<{ stylesheetRules: number; brandingApplied: boolean; brandingPrimary: string | null; computedPrimary: string }> {
  return page.evaluate(() => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="stylesheet"]');
    const branding = document.querySelector<HTMLStyleElement>('head style');
    const rule = branding?.sheet?.cssRules[0];
    return {
      stylesheetRules: link?.sheet?.cssRules.length ?? 0,
      brandingApplied: Boolean(branding?.nonce) && (branding?.sheet ?? null) !== null,
      brandingPrimary: rule instanceof CSSStyleRule ? rule.style.getPropertyValue('--kirjuri-primary').trim() : null,
      computedPrimary: getComputedStyle(document.documentElement).getPropertyValue('--kirjuri-primary').trim(),
    };
  });
}

/** Where an element is on screen, and whether it is the focused one. */
function placeOf(page: Page, selector: string): Promise<{ top: number; bottom: number; left: number; right: number; focused: boolean }> {
  return page.$eval(selector, (element) => {
    const { top, bottom, left, right } = element.getBoundingClientRect();
    return { top, bottom, left, right, focused: document.activeElement === element };
  });
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // Unref'd: the timer must not keep mocha's process alive once the promise has won.
  const timeout = delay(ms, undefined, { ref: false }).then(() => {
    throw new Error(`${what} did not happen within ${ms} ms.`);
  });
  return Promise.race([promise, timeout]);
}

describe('the landing page in a real browser, on a phone-sized screen', function () {
  this.timeout(60_000);
  const browser = useSuiteBrowser();
  let app: TestApp;
  let server: RunningServer;

  before(async () => {
    app = await createTestApp('sqlite', { setup: { token: setupToken } });
    // createTestApp's config already listens on 127.0.0.1, port 0, plain HTTP: enough for a visitor who is not signed in.
    server = await startServer({ handler: app.handler, config: app.kirjuri.config, log: app.kirjuri.log });
    // A set-up instance, so that `/` shows what every later visitor gets (sign-in), not the first-run setup form.
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: setupToken, email: 'aino@example.com', password: 'correct horse battery staple', name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } }),
    });
    if (setup.status !== 201) throw new Error(`Setting up the test instance answered ${setup.status}: ${await setup.text()}`);
  });
  after(async () => {
    await server?.close();
    await app?.close();
  });

  it('/ sends a visitor to sign-in, a page that loads its stylesheet, favicon and branding with no errors and fits the phone', async () => {
    const { page, problems, responses } = await openPhonePage(browser());
    // Chromium asks for the favicon only after the load event: wait for it, or the checks below would race it.
    const favicon = page.waitForResponse((response) => response.url().endsWith('/favicon.svg'), { timeout: 10_000 });
    const response = await page.goto(`${server.url}/`, { waitUntil: 'load' });
    expect(response?.status()).to.equal(200);
    expect(response?.request().redirectChain().map((request) => new URL(request.url()).pathname)).to.deep.equal(['/']);
    expect(new URL(page.url()).pathname).to.equal('/login');
    expect(await page.title()).to.equal('Sign in – Kirjuri');

    const signIn = await page.$('.site-header a[href="/login"]');
    expect(signIn, 'the header has a sign-in link').to.not.equal(null);
    expect(await signIn!.evaluate((link) => link.textContent?.trim())).to.equal('Sign in');
    expect(await signIn!.isVisible()).to.equal(true);
    const box = await signIn!.boundingBox();
    expect(box, 'the sign-in link takes up room on screen').to.not.equal(null);
    expect(box!.x).to.be.at.least(0);
    expect(box!.y).to.be.at.least(0);
    expect(box!.x + box!.width).to.be.at.most(phoneViewport.width);
    expect(box!.y + box!.height).to.be.at.most(phoneViewport.height);

    const links = await page.evaluate(() => ({
      stylesheet: document.querySelector<HTMLLinkElement>('link[rel="stylesheet"]')?.href,
      icon: document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href,
    }));
    const iconResponse = await favicon;
    expect(iconResponse.url()).to.equal(links.icon);
    expect(iconResponse.status()).to.equal(200);
    expect(iconResponse.headers()['content-type']).to.match(/^image\/svg\+xml/);
    expect(responses.find((r) => r.url === links.stylesheet), 'the stylesheet response').to.deep.include({ status: 200, type: 'stylesheet' });
    expect(responses.filter((r) => r.status >= 400), 'responses that failed').to.deep.equal([]);

    // kirjuri.css declares the same default colour as a fallback, so the computed value alone would not show that the
    // CSP let the nonce'd <style> apply; its sheet in the CSSOM does.
    const styles = await stylesOf(page);
    expect(styles.stylesheetRules, 'rules of kirjuri.css in the CSSOM').to.be.above(0);
    expect(styles).to.deep.include({ brandingApplied: true, brandingPrimary: '#1b5e9e', computedPrimary: '#1b5e9e' });

    expect(await scrollsSideways(page), 'the sign-in page fits the phone').to.equal(false);
    expect(problems.list).to.deep.equal([]);
    await page.close();
  });

  it('shows the skip link, hidden until then, when the first Tab reaches it, and Enter moves focus to the main content', async () => {
    const { page, problems } = await openPhonePage(browser());
    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    const before = await placeOf(page, '.skip-link');
    expect(before.focused).to.equal(false);
    expect(before.bottom, 'the skip link sits above the screen until focused').to.be.at.most(0);

    await page.keyboard.press('Tab');
    const focused = await placeOf(page, '.skip-link');
    expect(focused.focused, 'the first Tab lands on the skip link').to.equal(true);
    expect(focused.top).to.be.at.least(0);
    expect(focused.left).to.be.at.least(0);
    expect(focused.right).to.be.at.most(phoneViewport.width);
    expect(focused.bottom).to.be.at.most(phoneViewport.height);
    expect(await page.$eval('.skip-link', (link) => link.textContent?.trim())).to.equal('Skip to content');

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main', { timeout: 5_000 });
    expect(new URL(page.url()).hash).to.equal('#main');
    expect(problems.list).to.deep.equal([]);
    await page.close();
  });

  it('answers a missing page with the themed 404 page', async () => {
    const { page, problems, responses } = await openPhonePage(browser());
    const response = await page.goto(`${server.url}/no/such/page`, { waitUntil: 'load' });
    expect(response?.status()).to.equal(404);
    expect(await page.title()).to.equal('Nothing was found at this address. – Kirjuri');
    expect(await page.$eval('.error-page__status', (e) => e.textContent?.trim())).to.equal('Error 404');
    expect(await page.$eval('main h1', (e) => e.textContent?.trim())).to.equal('Nothing was found at this address.');
    expect(await page.$eval('.error-page__request-id', (e) => e.textContent?.trim())).to.equal(response?.headers()['x-request-id']);
    expect(await page.$eval('.error-page__actions a', (a) => [a.textContent?.trim(), a.getAttribute('href')])).to.deep.equal(['Go to the home page', '/']);
    expect(await page.$eval('.site-header a[href="/login"]', (a) => a.textContent?.trim()), 'the themed header').to.equal('Sign in');
    const styles = await stylesOf(page);
    expect(styles.stylesheetRules, 'rules of kirjuri.css in the CSSOM').to.be.above(0);
    expect(styles.brandingApplied, 'the nonce\'d branding <style> applied').to.equal(true);
    expect(responses.filter((r) => r.status >= 400).map((r) => new URL(r.url).pathname)).to.deep.equal(['/no/such/page']);
    expect(await scrollsSideways(page), 'the 404 page fits the phone').to.equal(false);
    // Chromium reports the page's own 404 on the console; nothing else may appear there.
    expect(problems.list).to.deep.equal(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await page.close();
  });

  it('sees a CSP violation when an inline style lacks the nonce (so the checks above can fail)', async () => {
    const { page, problems } = await openPhonePage(browser());
    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    const reported = new Promise<void>((resolve) => page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) resolve();
    }));
    const injectedApplied = await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = ':root { --kirjuri-primary: #ff0000; }';
      document.head.append(style);
      return style.sheet !== null;
    });
    await within(reported, 5_000, 'Chromium reporting the CSP violation on the console');
    expect(injectedApplied, 'a <style> without the nonce gets no sheet').to.equal(false);
    expect((await stylesOf(page)).computedPrimary).to.equal('#1b5e9e');
    expect(problems.list).to.have.lengthOf(1);
    expect(problems.list[0]).to.match(/^console: .*violates the following Content Security Policy directive 'style-src /);
    await page.close();
  });
});
