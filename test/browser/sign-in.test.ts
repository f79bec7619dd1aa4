/// <reference lib="dom" />
import { expect } from 'chai';
import type { Browser } from 'puppeteer-core';
import { loadConfig } from '../../core/config/index.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { startServer, type RunningServer } from '../../core/http/start-server.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { launchBrowser, openPhonePage, scrollsSideways } from '../helpers/browser.ts';

const setupToken = 'browser-setup-token-0123456789';

describe('in a real browser, on a phone-sized screen', function () {
  this.timeout(90_000);
  let app: TestApp;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    app = await createTestApp('sqlite', { setup: { token: setupToken } });
    // The real HTTPS server with its self-signed certificate: the __Host- session cookie needs a secure origin.
    const config = loadConfig({ env: {}, overrides: { dataDir: app.kirjuri.config.dataDir, server: { host: '127.0.0.1', port: 0, tls: true } } });
    server = await startServer({ handler: app.handler, config, log: createLogger('silent') });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
  });

  it('sets Kirjuri up through the setup form, signs out, signs in through the sign-in form and sees the dashboard', async () => {
    const { page, problems } = await openPhonePage(browser);
    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).to.equal('/setup');
    await page.goto(`${server.url}/setup?token=${setupToken}`, { waitUntil: 'load' });
    expect(await scrollsSideways(page), 'the setup form fits the phone').to.equal(false);
    await page.type('#field-name', 'Aino Admin');
    await page.type('#field-email', 'aino@example.com');
    await page.type('#field-password', 'correct horse battery staple');
    await page.type('#field-tenantName', 'Rakennus Oy');
    await page.type('#field-tenantSlug', 'rakennus');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type="submit"]')]);
    expect(new URL(page.url()).pathname).to.equal('/t/rakennus');
    expect(await page.$eval('h1', (h) => h.textContent?.trim())).to.equal('Rakennus Oy');

    // Sign out with the header's button, then sign in with the keyboard only.
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('.site-header form[action="/logout"] button')]);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await page.focus('#field-email');
    await page.keyboard.type('aino@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password at all');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    expect(await page.$eval('.flash--error .flash__message', (e) => e.textContent?.trim())).to.equal('The email or password is wrong.');
    expect(await page.$eval('#field-email', (e) => (e as HTMLInputElement).value)).to.equal('aino@example.com');
    // The refused sign-in answered 401, which Chromium reports on the console; nothing else may have.
    expect(problems.list).to.deep.equal(['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    problems.list.length = 0;
    await page.type('#field-password', 'correct horse battery staple');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).to.equal('/t/rakennus');
    expect(await page.$eval('h1', (h) => h.textContent?.trim())).to.equal('Rakennus Oy');
    expect(await page.$eval('.site-header__user', (e) => e.textContent?.trim())).to.equal('Aino Admin');
    expect(await scrollsSideways(page), 'the dashboard fits the phone').to.equal(false);

    // The first Tab reaches the skip link, which shows itself.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('skip-link');
    expect(problems.list).to.deep.equal([]);
    await page.close();
  });

  it('the members page invites a person and shows the invite link once, ready to copy, on a phone', async () => {
    const { page, problems } = await openPhonePage(browser);
    await page.goto(`${server.url}/login`, { waitUntil: 'load' });
    await page.type('#field-email', 'aino@example.com');
    await page.type('#field-password', 'correct horse battery staple');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main button[type="submit"]')]);
    await page.goto(`${server.url}/t/rakennus/admin/members`, { waitUntil: 'load' });
    await page.type('#field-name', 'Ville Viewer');
    await page.type('#field-email', 'ville@example.com');
    await page.select('#field-role', 'viewer');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action="/t/rakennus/admin/members"] button[type="submit"]')]);
    expect(await page.$eval('.flash--success .flash__message', (e) => e.textContent?.trim())).to.equal('Ville Viewer is invited as viewer.');
    expect(await page.$eval('#invite-link', (e) => (e as HTMLInputElement).value)).to.match(/\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(await page.$eval('.copy-field__button', (e) => e.textContent)).to.equal('Copy link');
    expect(await page.$$eval('form[action*="/admin/members/invitations/"]', (forms) => forms.length), 'the waiting invitation has its new-link and withdraw buttons').to.equal(2);
    expect(await scrollsSideways(page), 'the members and invitations tables turn into cards on a phone').to.equal(false);
    expect(problems.list).to.deep.equal([]);
    await page.close();
  });
});
