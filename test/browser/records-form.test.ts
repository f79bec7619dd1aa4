/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'puppeteer-core';
import request from 'supertest';
import { loadConfig } from '../../core/config/index.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { startServer, type RunningServer } from '../../core/http/start-server.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { openPhonePage, scrollsSideways, useSuiteBrowser, type PageProblems } from '../helpers/browser.ts';
import { pageTestTemplates } from '../helpers/record-templates.ts';

const setupToken = 'browser-setup-token-0123456789';
const password = 'correct horse battery staple';

const { inspection, diary, measurement: round } = pageTestTemplates;

/** Submits with a button and waits for the next page. */
async function submitWith(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/** Taps a control's label (radio buttons are behind big labels). */
async function tap(page: Page, selector: string): Promise<void> {
  const target = await page.$(selector);
  await target!.scrollIntoView();
  await target!.tap();
}

describe('in a real browser: the record form on a phone-sized screen', function () {
  this.timeout(90_000);
  const browser = useSuiteBrowser();
  let app: TestApp;
  let server: RunningServer;
  let folderId: string;
  let templates: Record<'inspection' | 'diary' | 'round', string>;
  let memberCookie: string;

  before(async () => {
    app = await createTestApp('sqlite', { setup: { token: setupToken } });
    await request(app.handler).post('/api/v1/setup').send({ token: setupToken, email: 'aino@example.com', password, name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } }).expect(201);
    const login = async (email: string): Promise<{ cookie: string; csrf: string }> => {
      const res = await request(app.handler).post('/api/v1/auth/login').send({ email, password }).expect(200);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='))!.split(';')[0]!;
      return { cookie, csrf: (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', cookie).expect(200)).body.token as string };
    };
    const admin = await login('aino@example.com');
    const as = (who: { cookie: string; csrf: string }, path: string, body: object) => request(app.handler).post(path).set('Cookie', who.cookie).set('X-CSRF-Token', who.csrf).send(body);
    await as(admin, '/api/v1/t/rakennus/members', { email: 'mikko@example.com', name: 'Mikko Member', role: 'member', password }).expect(201);
    // Mikko joins at his first sign-in; only then is a share with him direct rather than an invite link.
    memberCookie = (await login('mikko@example.com')).cookie;
    folderId = (await as(admin, '/api/v1/t/rakennus/folders', { name: 'Työmaa Pasila' }).expect(201)).body.id;
    await as(admin, '/api/v1/t/rakennus/shares', { objectType: 'folder', objectId: folderId, email: 'mikko@example.com', access: 'edit' }).expect(201);
    templates = {
      inspection: (await as(admin, '/api/v1/t/rakennus/templates', inspection).expect(201)).body.id,
      diary: (await as(admin, '/api/v1/t/rakennus/templates', diary).expect(201)).body.id,
      round: (await as(admin, '/api/v1/t/rakennus/templates', round).expect(201)).body.id,
    };
    const config = loadConfig({ env: {}, overrides: { dataDir: app.kirjuri.config.dataDir, server: { host: '127.0.0.1', port: 0, tls: true } } });
    server = await startServer({ handler: app.handler, config, log: createLogger('silent') });
  });
  after(async () => {
    await server?.close();
    await app?.close();
  });

  /** A phone page signed in as the member, on `path`. */
  async function memberPage(path = '/t/rakennus'): Promise<{ page: Page; problems: PageProblems }> {
    const { page, problems } = await openPhonePage(browser());
    await page.goto(`${server.url}/login`, { waitUntil: 'load' });
    await page.type('#field-email', 'mikko@example.com');
    await page.type('#field-password', password);
    await submitWith(page, 'main button[type="submit"]');
    if (path !== '/t/rakennus') await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
    return { page, problems };
  }

  const newFormPath = (template: string): string => `/t/rakennus/records/new?templateId=${template}&folderId=${folderId}`;

  it('a member opens a folder, fills in an inspection with a finger-drawn signature, completes it, and sees the completed record with its signature', async () => {
    const { page, problems } = await memberPage();
    await submitWith(page, `main a[href="/t/rakennus/folders/${folderId}"]`);
    await page.select('#field-templateId', templates.inspection);
    await submitWith(page, 'form[action="/t/rakennus/records/new"] button[type="submit"]');
    expect(await page.$eval('h1', (h) => h.textContent)).to.equal('New Site inspection');
    expect(await scrollsSideways(page), 'the form fits the phone').to.equal(false);
    expect(await page.$eval('input[name="_tzOffset"]', (input) => (input as HTMLInputElement).value)).to.equal(String(await page.evaluate(() => new Date().getTimezoneOffset())));

    await page.type('#field-data-site', 'Pasila, staircase B');
    await page.type('#field-data-height', '12,5');
    const reason = '[data-show-if-name="data.condition"]';
    expect(await page.$eval(reason, (element) => (element as HTMLElement).hidden), 'the reason waits for "Poor"').to.equal(true);
    await tap(page, 'label[for="field-data-condition-1"]');
    expect(await page.$eval(reason, (element) => (element as HTMLElement).hidden)).to.equal(false);
    await page.type('#field-data-reason', 'The toe board is missing on level 3.');
    await tap(page, 'label[for="field-data-railings-1"]');
    const scoreButton = await page.$eval('label[for="field-data-railings-1"]', (label) => label.getBoundingClientRect().height);
    expect(scoreButton, 'score buttons are large touch targets').to.be.at.least(48);
    await page.type('#field-data-findings-0-note', 'Toe board missing');
    await tap(page, '[data-repeat-add]');
    await page.type('#field-data-findings-1-note', 'Loose coupler at grid C4');
    expect(await scrollsSideways(page), 'still fits with two findings').to.equal(false);

    const canvas = (await page.$('[data-signature-pad] canvas'))!;
    await canvas.scrollIntoView();
    const box = (await canvas.boundingBox())!;
    const touch = await page.touchscreen.touchStart(box.x + 30, box.y + box.height * 0.7);
    for (let step = 1; step <= 12; step += 1) await touch.move(box.x + 30 + step * 22, box.y + box.height * 0.7 - (step % 2 ? 25 : 0));
    await touch.end();
    expect(await page.$eval('[data-signature-value]', (input) => (input as HTMLInputElement).value)).to.match(/^data:image\/png;base64,/);

    await submitWith(page, 'button[value="complete"]');
    expect(new URL(page.url()).pathname).to.match(/^\/t\/rakennus\/records\/[0-9a-f-]{36}$/);
    expect(await page.$eval('h1 .badge', (badge) => badge.textContent)).to.equal('Completed');
    const main = await page.$eval('main', (element) => element.textContent ?? '');
    expect(main).to.contain('12.5 m').and.to.contain('Not in order').and.to.contain('Loose coupler at grid C4').and.to.contain('The toe board is missing on level 3.').and.to.contain('Signed by Mikko Member');
    await page.waitForFunction(() => (document.querySelector('img.record-signature') as HTMLImageElement | null)?.complete === true);
    expect(await page.$eval('img.record-signature', (image) => (image as HTMLImageElement).naturalWidth), 'the signature image loaded').to.be.above(100);
    expect(await page.$('form[action$="/reopen"]'), 'whoever made a record manages it, so may reopen it').not.to.equal(null);
    expect(await scrollsSideways(page), 'the record fits the phone').to.equal(false);
    expect(problems.list).to.deep.equal([]);
  });

  it('what is typed into the form survives a reload before saving (a lost connection), and saving clears the copy on the device', async () => {
    const { page, problems } = await memberPage(newFormPath(templates.inspection));
    await page.type('#field-data-site', 'Typed on site');
    await page.type('#field-data-height', '7,25');
    await tap(page, 'label[for="field-data-condition-0"]');
    await page.waitForFunction(() => /Saved on this device/.test(document.querySelector('[data-autosave-status]')?.textContent ?? ''));
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => (document.querySelector('#field-data-site') as HTMLInputElement).value === 'Typed on site');
    expect(await page.$eval('#field-data-height', (input) => (input as HTMLInputElement).value)).to.equal('7,25');
    expect(await page.$eval('#field-data-condition-0', (input) => (input as HTMLInputElement).checked)).to.equal(true);
    expect(await page.$eval('[data-autosave-status]', (status) => status.textContent)).to.contain('Restored what you typed on this device');

    await submitWith(page, 'button[value="draft"]');
    expect(await page.$eval('.flash--success', (flash) => flash.textContent)).to.contain('The record was saved.');
    const key = `kirjuri.autosave.records:rakennus:new:${templates.inspection}:${folderId}`;
    expect(await page.evaluate((name) => window.localStorage.getItem(name), key), 'the saved copy is gone from the device').to.equal(null);
    await page.goto(`${server.url}${newFormPath(templates.inspection)}`, { waitUntil: 'load' });
    expect(await page.$eval('#field-data-site', (input) => (input as HTMLInputElement).value), 'a new form starts empty again').to.equal('');
    expect(problems.list).to.deep.equal([]);
  });

  it('a journal gets two entries and a correction of the first, each with its time and author', async () => {
    const made = await request(app.handler).post('/api/v1/t/rakennus/records').set('Cookie', memberCookie)
      .set('X-CSRF-Token', (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', memberCookie)).body.token)
      .send({ templateId: templates.diary, folderId, title: 'Diary Pasila', data: { project: 'Pasila B' } }).expect(201);
    const { page, problems } = await memberPage(`/t/rakennus/records/${made.body.id}`);
    for (const [text, weather] of [['Concrete poured in slab A.', 'rain'], ['Formwork removed.', 'sun']] as const) {
      await page.type('#field-text', text);
      await tap(page, `input[name="data.weather"][value="${weather}"]`);
      await submitWith(page, '#entry-form button[type="submit"]');
      expect(await page.$eval('.flash--success', (flash) => flash.textContent)).to.contain('The entry was added.');
    }
    await submitWith(page, '.record-timeline__entry:first-child a[href*="?correct="]');
    expect(await page.$eval('#entry-form-title', (title) => title.textContent)).to.equal('Correct entry 1');
    expect(await page.$eval('#field-text', (text) => (text as HTMLTextAreaElement).value)).to.equal('Concrete poured in slab A.');
    await page.$eval('#field-text', (text) => { (text as HTMLTextAreaElement).value = ''; });
    await page.type('#field-text', 'Concrete poured in slab B, not A.');
    await submitWith(page, '#entry-form button[type="submit"]');
    const entries = await page.$$eval('.record-timeline__entry', (items) => items.map((item) => item.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    expect(entries).to.have.length(3);
    expect(entries[0]).to.match(/^Entry 1, .+ UTC, Mikko Member Corrected by entry 3\. Concrete poured in slab A\./);
    expect(entries[1]).to.contain('Formwork removed.').and.to.contain('Sunny');
    expect(entries[2]).to.match(/^Entry 3, .+, Mikko Member Corrects entry 1\. Concrete poured in slab B, not A\./).and.to.contain('Rain');
    expect(await scrollsSideways(page)).to.equal(false);
    expect(problems.list).to.deep.equal([]);
  });

  it('a measurement made with the score buttons shows its score on its page', async () => {
    const { page, problems } = await memberPage(newFormPath(templates.round));
    await tap(page, 'label[for="field-data-item1-0"]');
    await tap(page, 'label[for="field-data-item2-0"]');
    await tap(page, 'label[for="field-data-item3-1"]');
    await submitWith(page, 'button[value="save"]');
    expect(await page.$eval('.record-score__percent', (score) => score.textContent)).to.equal('66.7 %');
    expect(await page.$eval('.record-score', (score) => score.textContent), 'unanswered items count for nothing').to.contain('2 in order, 1 not in order, 0 not applicable.');
    expect(problems.list).to.deep.equal([]);
  });
});
