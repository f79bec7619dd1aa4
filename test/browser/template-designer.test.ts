/// <reference lib="dom" />
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import request from 'supertest';
import { openPhonePage, scrollsSideways, useSuiteBrowser, type PageProblems } from '../helpers/browser.ts';
import { signInActor } from '../helpers/access-world.ts';
import { browserAdmin, useHttpsTestApp } from '../helpers/https-test-app.ts';

const { password } = browserAdmin;

/** Submits the form a button belongs to and waits for the next page. */
async function submitWith(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/** Signs in on the login page as the manager. */
async function signInAsManager(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`, { waitUntil: 'load' });
  await page.type('#field-email', 'mikko@example.com');
  await page.type('#field-password', password);
  await submitWith(page, 'main button[type="submit"]');
}

/** Adds a field to a list of the designer through its add form ("f-fields" or "f-fields-4-fields"), and lands on its open card. */
async function addField(page: Page, list: string, type: string, label: string): Promise<void> {
  await page.select(`#field-${list}-add-type`, type);
  await page.type(`#field-${list}-add-label`, label);
  await submitWith(page, `#${list} > form.field-add button[type="submit"]`);
}

/** The titles of the designer's cards in a list, in order. */
function cardTitles(page: Page, list: string): Promise<string[]> {
  return page.$$eval(`#${list} > .field-cards > .field-card > .field-card__head .field-card__title`, (titles) => titles.map((title) => title.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
}

/** Checks what every step of the walk must keep: the page fits the phone and reported no problem. */
async function fitsThePhone(page: Page, problems: PageProblems, where: string): Promise<void> {
  expect(await scrollsSideways(page), `${where} scrolls sideways`).to.equal(false);
  expect(problems.list, where).to.deep.equal([]);
}

describe('in a real browser: the template designer and folder structures on a phone-sized screen', function () {
  this.timeout(120_000);
  const browser = useSuiteBrowser();
  const served = useHttpsTestApp(async (app) => {
    const admin = await signInActor(app, 'admin', browserAdmin.email, password);
    await request(app.handler).post('/api/v1/t/rakennus/members').set('Cookie', admin.cookie!).set('X-CSRF-Token', admin.csrf!)
      .send({ email: 'mikko@example.com', name: 'Mikko Manager', role: 'manager', password }).expect(201);
  });

  it('a manager designs a template from scratch, publishes it, and makes a project from a folder structure that lands on the new folder', async () => {
    const { app, url } = served();
    const { page, problems } = await openPhonePage(browser());
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAsManager(page, url);
    await submitWith(page, '.site-nav__link[href="/t/rakennus/templates"]');
    await fitsThePhone(page, problems, 'the templates page');

    await page.type('#field-name', 'Kaiteiden tarkastus');
    await page.select('#field-kind', 'form');
    await submitWith(page, 'form[action="/t/rakennus/templates"] button[type="submit"]');
    expect(await page.$eval('.flash__message', (p) => p.textContent)).to.contain('with one field to start from');

    await addField(page, 'f-fields', 'text', 'Työmaa');
    await addField(page, 'f-fields', 'choice', 'Kunto');
    expect(new URL(page.url()).hash).to.equal('#f-fields-2');
    expect(await page.$eval('#field-fields-2-options-error', (p) => p.textContent), 'a choice without options says so').to.contain('is required');
    await page.type('#field-fields-2-options', 'hyva|Hyvä\nhuono|Huono');
    await page.click('#field-fields-2-required');
    await submitWith(page, '#f-fields-2 form[action$="/fields/update"] button[type="submit"]');
    expect(await page.$('#field-fields-2-options-error')).to.equal(null);

    await addField(page, 'f-fields', 'number', 'Korkeus');
    await page.type('#field-fields-3-unit', 'm');
    await page.type('#field-fields-3-min', '0');
    await page.type('#field-fields-3-max', '60');
    await submitWith(page, '#f-fields-3 form[action$="/fields/update"] button[type="submit"]');
    expect(await page.$eval('#f-fields-3 .field-card__facts', (dl) => dl.textContent?.replace(/\s+/g, ' '))).to.contain('0 to 60 m');

    await addField(page, 'f-fields', 'group', 'Havainnot');
    expect(await page.$eval('#f-fields-4', (li) => li.textContent)).to.contain('must hold from 1 to 50 fields');
    await addField(page, 'f-fields-4-fields', 'longtext', 'Havainto');
    expect(await cardTitles(page, 'f-fields-4-fields')).to.deep.equal(['1. Havainto']);
    await fitsThePhone(page, problems, 'the designer with a group');

    // The height goes before the condition, and the starter field goes.
    await submitWith(page, '#f-fields-3 button[aria-label="Move “Korkeus” up"]');
    await submitWith(page, '#f-fields-0 button[aria-label="Remove “Notes”"]');
    expect(await cardTitles(page, 'f-fields')).to.deep.equal(['1. Työmaa', '2. Korkeus', '3. Kunto', '4. Havainnot']);
    expect(await page.$('.problem-list'), 'nothing stops publishing').to.equal(null);
    await submitWith(page, '#publish button[type="submit"]');
    expect(await page.$eval('.flash__message', (p) => p.textContent)).to.contain('Published version 2.');
    await fitsThePhone(page, problems, 'the published designer');

    const templateId = new URL(page.url()).pathname.split('/').at(-1)!;
    const manager = await signInActor(app, 'manager', 'mikko@example.com', password);
    const published = (await request(app.handler).get(`/api/v1/t/rakennus/templates/${templateId}`).set('Cookie', manager.cookie!).expect(200)).body;
    expect(published.version).to.equal(2);
    expect(published.fields).to.deep.equal([
      { key: 'tyomaa', type: 'text', label: 'Työmaa' },
      { key: 'korkeus', type: 'number', label: 'Korkeus', min: 0, max: 60, unit: 'm' },
      { key: 'kunto', type: 'choice', label: 'Kunto', required: true, options: [{ value: 'hyva', label: 'Hyvä' }, { value: 'huono', label: 'Huono' }] },
      { key: 'havainnot', type: 'group', label: 'Havainnot', fields: [{ key: 'havainto', type: 'longtext', label: 'Havainto' }] },
    ]);

    await page.goto(`${url}/t/rakennus/structures`, { waitUntil: 'load' });
    await page.type('#field-name', 'Kerrostaloremontti');
    await page.type('#field-firstFolder', 'Tarkastukset');
    await submitWith(page, 'form[action="/t/rakennus/structures"] button[type="submit"]');
    await page.type('#field-folder-0-add', 'Viikko 1');
    await submitWith(page, '#folder-0 form[action$="/folders/add"] button[type="submit"]');
    await page.type('#field-folder-0-0-title', 'Kaiteet, viikko 1');
    await page.select('#field-folder-0-0-template', templateId);
    await submitWith(page, '#folder-0-0 form[action$="/records/add"] button[type="submit"]');
    await page.type('#field-add-top-name', 'Valokuvat');
    await submitWith(page, '#structure-folders > form.field-add button[type="submit"]');
    expect(await page.$$eval('.folder-node__name', (names) => names.map((name) => name.textContent?.trim()))).to.deep.equal(['📁 Tarkastukset', '📁 Viikko 1', '📁 Valokuvat']);
    expect(await page.$eval('#folder-0-0 .folder-node__record-title', (span) => span.textContent?.replace(/\s+/g, ' ').trim())).to.equal('📄 Kaiteet, viikko 1 Kaiteiden tarkastus');
    await fitsThePhone(page, problems, 'the structure editor');

    await page.type('#field-apply-name', 'As Oy Rantatie 5');
    await page.select('#field-apply-parent', '');
    await submitWith(page, '#structure-apply button[type="submit"]');
    expect(new URL(page.url()).pathname).to.match(/^\/t\/rakennus\/folders\/[0-9a-f-]{36}$/);
    expect(await page.$eval('h1', (h) => h.textContent?.trim())).to.contain('As Oy Rantatie 5');
    expect(await page.$$eval('main .link-list a[href^="/t/rakennus/folders/"]', (links) => links.map((a) => a.textContent?.replace(/\s+/g, ' ').trim()))).to.deep.equal(['📁 Tarkastukset›', '📁 Valokuvat›']);
    await fitsThePhone(page, problems, 'the new project folder');
  });

  it('the import form reads a chosen file into its text box, and the template is imported from it', async () => {
    const { app, url } = served();
    const manager = await signInActor(app, 'manager', 'mikko@example.com', password);
    const added = await request(app.handler).post('/api/v1/t/rakennus/template-library/inspection').set('Cookie', manager.cookie!).set('X-CSRF-Token', manager.csrf!).expect(201);
    const exported = (await request(app.handler).get(`/api/v1/t/rakennus/templates/${added.body.id}/export`).set('Cookie', manager.cookie!).expect(200)).body;
    exported.template.name = 'Tuotu tarkastus';
    const dir = await mkdtemp(join(tmpdir(), 'kirjuri-import-'));
    try {
      const file = join(dir, 'tarkastus.kirjuri-template.json');
      await writeFile(file, JSON.stringify(exported, null, 2));
      const { page, problems } = await openPhonePage(browser());
      await signInAsManager(page, url);
      await page.goto(`${url}/t/rakennus/templates`, { waitUntil: 'load' });
      expect(await page.$eval('[data-import-picker]', (picker) => (picker as HTMLElement).hidden), 'the script shows the file picker').to.equal(false);
      const picker = (await page.$('input#import-file[type="file"]')) as ElementHandle<HTMLInputElement>;
      await picker.uploadFile(file);
      await page.waitForFunction(() => (document.getElementById('field-file') as HTMLTextAreaElement).value.includes('Tuotu tarkastus'));
      await submitWith(page, 'form[data-template-import] button[type="submit"]');
      expect(await page.$eval('.flash__message', (p) => p.textContent)).to.contain('"Tuotu tarkastus" is imported as version 1');
      expect(await page.$eval('h1', (h) => h.textContent?.trim())).to.equal('Tuotu tarkastus');
      await fitsThePhone(page, problems, 'the imported template');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
