/// <reference lib="dom" />
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import sharp from 'sharp';
import request from 'supertest';
import { loadConfig } from '../../core/config/index.ts';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { startServer, type RunningServer } from '../../core/http/start-server.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { openPhonePage, phoneViewport, scrollsSideways, useSuiteBrowser, type PageProblems } from '../helpers/browser.ts';

const setupToken = 'browser-setup-token-0123456789';
const password = 'correct horse battery staple';

const survey = {
  name: 'Site survey', kind: 'form',
  fields: [
    { key: 'site', type: 'text', label: 'Site', required: true },
    { key: 'photos', type: 'photo', label: 'Photos' },
    { key: 'documents', type: 'file', label: 'Documents', accept: ['application/pdf'] },
  ],
};

/** The narrowest phone the pages must fit without scrolling sideways. */
const narrowPhone = { ...phoneViewport, width: 375, height: 740 };

describe('in a real browser: photos and files in the record form on a phone', function () {
  this.timeout(90_000);
  const browser = useSuiteBrowser();
  let app: TestApp;
  let server: RunningServer;
  let folderId: string;
  let templateId: string;
  let dir: string;
  const files: Record<'photo' | 'large' | 'second' | 'pdf', string> = { photo: '', large: '', second: '', pdf: '' };

  before(async () => {
    app = await createTestApp('sqlite', { setup: { token: setupToken } });
    await request(app.handler).post('/api/v1/setup').send({ token: setupToken, email: 'aino@example.com', password, name: 'Aino Admin', tenant: { name: 'Rakennus Oy', slug: 'rakennus' } }).expect(201);
    const res = await request(app.handler).post('/api/v1/auth/login').send({ email: 'aino@example.com', password }).expect(200);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-kirjuri-session='))!.split(';')[0]!;
    const csrf = (await request(app.handler).get('/api/v1/auth/csrf').set('Cookie', cookie).expect(200)).body.token as string;
    const as = (path: string, body: object) => request(app.handler).post(path).set('Cookie', cookie).set('X-CSRF-Token', csrf).send(body);
    await as('/api/v1/t/rakennus/members', { email: 'mikko@example.com', name: 'Mikko Member', role: 'member', password }).expect(201);
    // Mikko joins at his first sign-in; only then is a share with him direct rather than an invite link.
    await request(app.handler).post('/api/v1/auth/login').send({ email: 'mikko@example.com', password }).expect(200);
    folderId = (await as('/api/v1/t/rakennus/folders', { name: 'Työmaa Pasila' }).expect(201)).body.id;
    await as('/api/v1/t/rakennus/shares', { objectType: 'folder', objectId: folderId, email: 'mikko@example.com', access: 'edit' }).expect(201);
    templateId = (await as('/api/v1/t/rakennus/templates', survey).expect(201)).body.id;
    // The photos and the PDF a phone would pick (test inputs on disk, not anything Kirjuri stored).
    dir = mkdtempSync(join(tmpdir(), 'kirjuri-browser-files-'));
    files.photo = join(dir, 'staircase.jpg');
    writeFileSync(files.photo, await sharp({ create: { width: 640, height: 480, channels: 3, background: '#2060c0' } }).jpeg().toBuffer());
    files.second = join(dir, 'railing.jpg');
    writeFileSync(files.second, await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c02020' } }).jpeg().toBuffer());
    // Noise does not compress: a photo of a couple of megabytes, so that its upload takes a while.
    files.large = join(dir, 'facade.jpg');
    writeFileSync(files.large, await sharp(randomBytes(1400 * 1000 * 3), { raw: { width: 1400, height: 1000, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    files.pdf = join(dir, 'plan.pdf');
    writeFileSync(files.pdf, '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    const config = loadConfig({ env: {}, overrides: { dataDir: app.kirjuri.config.dataDir, server: { host: '127.0.0.1', port: 0, tls: true } } });
    server = await startServer({ handler: app.handler, config, log: createLogger('silent') });
  });
  after(async () => {
    await server?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A narrow phone page signed in as the member, scripts on or off, on the new-record form. */
  async function memberOnForm(options: { javaScript: boolean }): Promise<{ page: Page; problems: PageProblems }> {
    const { page, problems } = await openPhonePage(browser());
    await page.setViewport(narrowPhone);
    await page.setJavaScriptEnabled(options.javaScript);
    await page.goto(`${server.url}/login`, { waitUntil: 'load' });
    await page.type('#field-email', 'mikko@example.com');
    await page.type('#field-password', password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main button[type="submit"]')]);
    await page.goto(`${server.url}/t/rakennus/records/new?templateId=${templateId}&folderId=${folderId}`, { waitUntil: 'load' });
    return { page, problems };
  }

  /** A field's file input. */
  const fileInput = async (page: Page, field: string): Promise<ElementHandle<HTMLInputElement>> => (await page.$(`#field-data-${field}-input`)) as ElementHandle<HTMLInputElement>;

  /** Waits until the record's page is shown (a navigation without scripts; the answer written in place of the form with them). */
  const onRecordPage = (page: Page): Promise<unknown> => page.waitForFunction(() => /^\/t\/rakennus\/records\/[0-9a-f-]{36}$/.test(location.pathname) && document.querySelector('h1 .badge') !== null, { timeout: 30_000 });

  /** The record page's photo and file, once the thumbnail (or its placeholder while it is made) has loaded. */
  async function shownFiles(page: Page): Promise<{ images: Array<{ src: string; alt: string; width: number }>; links: string[] }> {
    await page.waitForFunction(() => [...document.querySelectorAll('img.record-photo__image')].every((image) => (image as HTMLImageElement).complete));
    return {
      images: await page.$$eval('img.record-photo__image', (images) => images.map((image) => ({ src: image.getAttribute('src') ?? '', alt: (image as HTMLImageElement).alt, width: (image as HTMLImageElement).naturalWidth }))),
      links: await page.$$eval('.record-file a[download], .record-photo a[download]', (links) => links.map((link) => link.textContent ?? '')),
    };
  }

  it('with scripts: chosen photos show a local preview and can be unchosen; saving shows the upload\'s progress and lands on the record with its photo and file', async () => {
    const { page, problems } = await memberOnForm({ javaScript: true });
    expect(await scrollsSideways(page), 'the form fits a 375 px phone').to.equal(false);
    const progress: string[] = [];
    await page.exposeFunction('reportProgress', (text: string) => { progress.push(text); });
    await page.evaluate(() => {
      const text = document.querySelector('[data-upload-progress-text]')!;
      new MutationObserver(() => (window as unknown as { reportProgress(t: string): void }).reportProgress(text.textContent ?? '')).observe(text, { childList: true, characterData: true, subtree: true });
    });
    await page.type('#field-data-site', 'Pasila, staircase B');
    await (await fileInput(page, 'photos')).uploadFile(files.photo, files.large, files.second);
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-chosen] li').length === 3);
    const previews = await page.$$eval('[data-upload-chosen] img', (images) => images.map((image) => ({ src: (image as HTMLImageElement).src, alt: (image as HTMLImageElement).alt })));
    expect(previews.map((preview) => preview.src.startsWith('blob:'))).to.deep.equal([true, true, true]);
    expect(previews.map((preview) => preview.alt)).to.deep.equal(['Chosen photo staircase.jpg', 'Chosen photo facade.jpg', 'Chosen photo railing.jpg']);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-upload-chosen] img')].every((image) => (image as HTMLImageElement).naturalWidth > 0));
    expect(await page.$eval('.record-upload__note', (note) => (note as HTMLElement).hidden ? '' : note.textContent)).to.contain('holds the text only, not these files');
    // Unchoosing the third keeps the other two in the input.
    await page.click('button[aria-label="Unchoose railing.jpg"]');
    expect(await page.$$eval('[data-upload-chosen] .record-upload__name', (names) => names.map((name) => name.firstChild?.textContent?.trim()))).to.deep.equal(['staircase.jpg', 'facade.jpg']);
    expect(await page.$eval('#field-data-photos-input', (input) => (input as HTMLInputElement).files?.length)).to.equal(2);
    await (await fileInput(page, 'documents')).uploadFile(files.pdf);
    expect(await scrollsSideways(page), 'still fits with the previews').to.equal(false);

    // A slow uplink, as on a site, so that the progress has steps to show.
    const cdp = await page.createCDPSession();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1_500_000 });
    await page.click('button[value="save"]');
    await onRecordPage(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(progress.some((text) => /^Uploading \d+\.\d of \d+\.\d MB \(\d+ %\)$/.test(text)), progress.join(' | ')).to.equal(true);
    expect(progress.some((text) => /^Uploading .* \(([1-9]\d?) %\)$/.test(text)), `a step between 0 and 100 %: ${progress.join(' | ')}`).to.equal(true);
    expect(progress.at(-1)).to.match(/^Uploaded \d+\.\d MB: saving the record…$/);

    expect(await page.$eval('.flash--success', (flash) => flash.textContent)).to.contain('The record was saved.');
    const shown = await shownFiles(page);
    expect(shown.images.map((image) => image.alt)).to.deep.equal(['Photo staircase.jpg', 'Photo facade.jpg']);
    expect(shown.images.every((image) => /^\/api\/v1\/t\/rakennus\/files\/[0-9a-f-]{36}\/thumbnail$/.test(image.src) && image.width > 0)).to.equal(true);
    expect(shown.links).to.deep.equal(['Download original', 'Download original', 'plan.pdf']);
    expect(await scrollsSideways(page), 'the record fits a 375 px phone').to.equal(false);
    // The address is the record's own: a reload shows it again.
    await page.reload({ waitUntil: 'load' });
    expect((await shownFiles(page)).links).to.include('plan.pdf');
    expect(problems.list).to.deep.equal([]);
  });

  it('with scripts: a refused file shows the form again in place, with the sentence that the files must be chosen again', async () => {
    const { page, problems } = await memberOnForm({ javaScript: true });
    await page.type('#field-data-site', 'Wrong file');
    await (await fileInput(page, 'photos')).uploadFile(files.pdf);
    await page.click('button[value="draft"]');
    await page.waitForFunction(() => document.querySelector('#form-summary') !== null);
    expect(await page.$eval('#form-summary', (summary) => summary.textContent)).to.contain('choose them again before you save').and.to.contain('plan.pdf');
    expect(await page.$eval('#field-data-site', (input) => (input as HTMLInputElement).value)).to.equal('Wrong file');
    // The page's own scripts run on the page shown in place: choosing a photo previews it again.
    await (await fileInput(page, 'photos')).uploadFile(files.photo);
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-chosen] img').length === 1);
    // The refusal's own status is the one problem the page reports.
    expect(problems.list).to.deep.equal(['console: Failed to load resource: the server responded with a status of 415 (Unsupported Media Type)']);
  });

  it('without scripts: the same form is a plain multipart form that saves a photo and a file in one submit', async () => {
    const { page, problems } = await memberOnForm({ javaScript: false });
    expect(await scrollsSideways(page), 'the form fits a 375 px phone').to.equal(false);
    await page.type('#field-data-site', 'No scripts on site');
    await (await fileInput(page, 'photos')).uploadFile(files.photo);
    await (await fileInput(page, 'documents')).uploadFile(files.pdf);
    expect(await page.$$('[data-upload-chosen] li'), 'no preview without scripts').to.have.length(0);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[value="save"]')]);
    await onRecordPage(page);
    const shown = await shownFiles(page);
    expect(shown.images.map((image) => image.alt)).to.deep.equal(['Photo staircase.jpg']);
    expect(shown.images[0]!.width).to.be.above(0);
    expect(shown.links).to.deep.equal(['Download original', 'plan.pdf']);
    expect(await scrollsSideways(page), 'the record fits a 375 px phone').to.equal(false);
    expect(problems.list).to.deep.equal([]);
  });
});
