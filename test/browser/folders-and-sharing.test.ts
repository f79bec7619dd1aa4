/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import { openPhonePage, scrollsSideways, useSuiteBrowser } from '../helpers/browser.ts';
import { browserAdmin, useHttpsTestApp } from '../helpers/https-test-app.ts';

const { password } = browserAdmin;

/** Submits the form a button belongs to and waits for the next page. */
async function submitWith(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

describe('in a real browser: folders and sharing on a phone-sized screen', function () {
  this.timeout(90_000);
  const browser = useSuiteBrowser();
  const served = useHttpsTestApp();

  it('an admin makes a folder and shares it with an outsider, who accepts the invitation and sees only that folder', async () => {
    const server = served();
    const { page, problems } = await openPhonePage(browser());
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.url}/login`, { waitUntil: 'load' });
    await page.type('#field-email', 'aino@example.com');
    await page.type('#field-password', password);
    await submitWith(page, 'main button[type="submit"]');
    expect(new URL(page.url()).pathname).to.equal('/t/rakennus');

    await page.type('#field-name', 'Työmaa Helsinki');
    await submitWith(page, 'form[action="/t/rakennus/folders"] button[type="submit"]');
    expect(new URL(page.url()).pathname).to.match(/^\/t\/rakennus\/folders\/[0-9a-f-]{36}$/);
    const folderPath = new URL(page.url()).pathname;
    expect(await page.$eval('h1', (h) => h.textContent?.trim())).to.contain('Työmaa Helsinki');
    expect(await page.$$eval('.breadcrumbs__item', (items) => items.map((item) => item.textContent?.trim()))).to.deep.equal(['Rakennus Oy', 'Työmaa Helsinki']);
    expect(await scrollsSideways(page), 'the folder page fits the phone').to.equal(false);

    await page.type('#field-email', 'vieras@example.org');
    await page.select('#field-access', 'view');
    await page.type('#field-message', 'Kuvat työmaalta');
    await submitWith(page, 'form[action="/t/rakennus/shares"] button[type="submit"]');
    const link = await page.$eval('code.secret-reveal', (code) => code.textContent?.trim() ?? '');
    expect(link).to.match(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await page.goto(`${server.url}${folderPath}`, { waitUntil: 'load' });
    expect(await page.$$eval('.card td[data-label="With"]', (cells) => cells.map((cell) => cell.textContent?.trim()))).to.deep.equal(['vieras@example.org']);
    expect(problems.list).to.deep.equal([]);

    // The outsider, in a browser of their own.
    const guest = await openPhonePage(browser());
    await guest.page.goto(link, { waitUntil: 'load' });
    expect(await guest.page.$eval('main', (main) => main.textContent ?? '')).to.contain('Kuvat työmaalta').and.to.contain('Työmaa Helsinki');
    await guest.page.type('#field-name', 'Ville Vieras');
    await guest.page.type('#field-password', 'another fine passphrase');
    await submitWith(guest.page, 'main button[type="submit"]');
    expect(new URL(guest.page.url()).pathname).to.equal(folderPath);
    expect(await guest.page.$eval('.page-lead', (p) => p.textContent ?? '')).to.contain('view');
    expect(await guest.page.$('form[action="/t/rakennus/shares"]'), 'a viewer of the folder gets no share form').to.equal(null);
    await guest.page.goto(`${server.url}/t/rakennus`, { waitUntil: 'load' });
    expect(await guest.page.$$eval('main .link-list a[href^="/t/rakennus/folders/"]', (links) => links.map((a) => a.textContent?.trim()))).to.deep.equal(['📁 Työmaa Helsinki›']);
    expect(guest.problems.list).to.deep.equal([]);
  });
});
