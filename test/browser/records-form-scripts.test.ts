/// <reference lib="dom" />
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'puppeteer-core';
import { packageRoot } from '../../core/kernel/install-paths.ts';
import { openPhonePage, scrollsSideways, useSuiteBrowser, type PageProblems } from '../helpers/browser.ts';

// Paths from the package root: this file runs compiled from dist/test/browser/, the fixtures stay in test/.
const fixtureDir = join(packageRoot, 'test', 'fixtures', 'records-form');
const assetDir = join(packageRoot, 'plugins', 'records', 'assets');
const themeCss = join(packageRoot, 'themes', 'default', 'assets', 'css', 'kirjuri.css');
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:";
const contentTypes: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png' };

/** The file a fixture URL stands for: pages and images from the fixtures, scripts and styles from the plugin. */
function fileFor(pathname: string): string | null {
  const match = /^\/(?:(assets\/js|assets\/css|theme\/css)\/)?([a-z0-9-]+\.(html|png|js|css))$/.exec(pathname);
  if (!match) return null;
  const [, folder, name] = match;
  if (folder === 'theme/css') return name === 'kirjuri.css' ? themeCss : null;
  return folder ? join(assetDir, folder.slice('assets/'.length), name) : join(fixtureDir, name);
}

/** Serves the fixture pages under the record pages' CSP, on 127.0.0.1 and a free port. */
async function startFixtureServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://fixture').pathname;
    if (pathname === '/favicon.ico') return void response.writeHead(204).end();
    const file = fileFor(pathname);
    const ok = file !== null && (request.method === 'GET' || (request.method === 'POST' && pathname === '/saved.html'));
    if (!ok) return void response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    readFile(file).then(
      (body) => response.writeHead(200, { 'Content-Type': contentTypes[file.split('.').pop()!], 'Content-Security-Policy': contentSecurityPolicy, 'Cache-Control': 'no-store' }).end(body),
      () => response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const entryOf = (page: Page, key: string): Promise<{ savedAt: string; values: [string, string][] } | null> =>
  page.evaluate((storageKey) => JSON.parse(localStorage.getItem(storageKey) ?? 'null'), `kirjuri.autosave.${key}`);

const statusOf = (page: Page, selector = '[data-autosave-status]'): Promise<string> => page.$eval(selector, (element) => element.textContent?.trim() ?? '');

const valueOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (element) => (element as HTMLInputElement).value);

const isHidden = (page: Page, selector: string): Promise<boolean> => page.$eval(selector, (element) => (element as HTMLElement).hidden === true);

/** How many pixels of the signature canvas have ink on them. */
const inkOf = (page: Page): Promise<number> => page.$eval('[data-signature-pad] canvas', (canvas) => {
  const { data } = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height);
  let inked = 0;
  for (let at = 3; at < data.length; at += 4) if (data[at] > 0) inked += 1;
  return inked;
});

/** Waits until the signature canvas has more than `pixels` inked pixels (drawing a loaded image is asynchronous). */
async function waitForInk(page: Page, pixels: number): Promise<void> {
  for (let tries = 0; (await inkOf(page)) <= pixels; tries += 1) {
    if (tries === 50) throw new Error(`The signature pad did not get more than ${pixels} inked pixels within 5 s.`);
    await delay(100);
  }
}

/** The names, ids and visible numbers of the repeat group's rows, to check their numbering. */
const rowsOf = (page: Page) => page.$$eval('[data-repeat-row]', (rows) => rows.map((row) => ({
  number: row.querySelector('[data-repeat-number]')?.textContent,
  names: Array.from(row.querySelectorAll('[name]'), (control) => control.getAttribute('name')),
  ids: Array.from(row.querySelectorAll('[id]'), (element) => element.id),
  labelsFor: Array.from(row.querySelectorAll('label'), (label) => label.htmlFor),
  describedBy: row.querySelector('input')?.getAttribute('aria-describedby'),
  condition: row.querySelector('[data-show-if-name]')?.getAttribute('data-show-if-name'),
  removeLabel: row.querySelector('[data-repeat-remove]')?.getAttribute('aria-label'),
  description: (row.querySelector('input') as HTMLInputElement | null)?.value,
})));

/** Types after the text a field already holds (focusing a field puts the caret at its start). */
async function typeAtEnd(page: Page, selector: string, text: string): Promise<void> {
  await page.focus(selector);
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

/** Draws a wavy line across the signature pad with the mouse. */
async function drawWithMouse(page: Page, selector = '[data-signature-pad] canvas'): Promise<void> {
  const canvas = await page.$(selector);
  await canvas!.scrollIntoView();
  const box = (await canvas!.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 12; step += 1) await page.mouse.move(box.x + 20 + step * 20, box.y + box.height / 2 + (step % 2 ? -20 : 20), { steps: 3 });
  await page.mouse.up();
}

describe('the record form\'s scripts and styles in a real browser, on a phone', function () {
  this.timeout(60_000);
  const browser = useSuiteBrowser();
  let base: string;
  let server: Server;

  before(async () => {
    ({ url: base, server } = await startFixtureServer());
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A phone page on `path`; the caller checks `problems` at the end. */
  async function open(path: string, prepare?: (page: Page) => Promise<unknown>): Promise<{ page: Page; problems: PageProblems }> {
    const { page, problems } = await openPhonePage(browser());
    await prepare?.(page);
    const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
    expect(response?.status()).to.equal(200);
    return { page, problems };
  }

  it('a signature drawn with the mouse fills the hidden input with a PNG data URL, and Clear empties it', async () => {
    const { page, problems } = await open('/form.html');
    expect(await isHidden(page, '[data-signature-existing]')).to.equal(false);
    await drawWithMouse(page);
    const value = await valueOf(page, '[data-signature-value]');
    expect(value).to.match(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(value.length, 'the PNG stays small').to.be.below(60_000);
    expect(await inkOf(page)).to.be.above(100);
    expect(await isHidden(page, '[data-signature-existing]'), 'the new signature replaces the stored one').to.equal(true);
    const size = await page.$eval('[data-signature-pad] canvas', (canvas) => ({ width: (canvas as HTMLCanvasElement).width, css: canvas.clientWidth }));
    expect(size.width, 'scaled for the screen\'s pixel ratio (2)').to.equal(size.css * 2);

    await page.click('[data-signature-clear]');
    expect(await valueOf(page, '[data-signature-value]')).to.equal('');
    expect(await inkOf(page)).to.equal(0);
    expect(await isHidden(page, '[data-signature-existing]')).to.equal(false);
    expect(problems.list).to.deep.equal([]);
  });

  it('a signature drawn with a finger fills the hidden input without scrolling the page, and survives a resize', async () => {
    const { page, problems } = await open('/form.html');
    const canvas = await page.$('[data-signature-pad] canvas');
    await canvas!.scrollIntoView();
    const scrolledBefore = await page.evaluate(() => window.scrollY);
    const box = (await canvas!.boundingBox())!;
    const touch = await page.touchscreen.touchStart(box.x + 30, box.y + box.height - 20);
    for (let step = 1; step <= 10; step += 1) await touch.move(box.x + 30 + step * 25, box.y + box.height - 20 - step * 8);
    await touch.end();
    expect(await valueOf(page, '[data-signature-value]')).to.match(/^data:image\/png;base64,/);
    expect(await page.evaluate(() => window.scrollY), 'the page did not scroll under the finger').to.equal(scrolledBefore);

    const inked = await inkOf(page);
    // Turning the phone: the canvas gets wider and the strokes are drawn again, scaled with it.
    await page.setViewport({ width: 700, height: 390, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.waitForFunction(() => document.querySelector('[data-signature-pad] canvas')!.clientWidth > 400);
    await waitForInk(page, inked);
    expect(problems.list).to.deep.equal([]);
  });

  it('a signature pad without records.css keeps a fixed size (its pixels follow its box, not the other way round)', async () => {
    const { page, problems } = await open('/bare.html');
    await drawWithMouse(page);
    expect(await valueOf(page, '[data-signature-value]')).to.match(/^data:image\/png;base64,/);
    await delay(300);
    const box = await page.$eval('[data-signature-pad] canvas', (canvas) => ({ width: canvas.clientWidth, height: canvas.clientHeight }));
    expect(box.width).to.be.within(300, 390);
    expect(box.height).to.be.closeTo(box.width / 3, 1);
    expect(await scrollsSideways(page)).to.equal(false);
    expect(problems.list).to.deep.equal([]);
  });

  it('autosave keeps what is typed on the device and restores it after a reload, rows and signature included', async () => {
    const { page, problems } = await open('/form.html');
    await typeAtEnd(page, '#f-title', ' on Monday');
    await page.type('#f-notes', 'Scaffolding checked.\nAll good.');
    await page.select('#f-weather', 'rain');
    await page.select('#f-trades', 'electric', 'carpentry');
    await page.click('#f-safety');
    await page.click('input[name="data.status"][value="closed"]');
    await page.type('#f-closing', 'Closed by Aino.');
    await page.type('#f-pin', '1234');
    await page.type('#f-private', 'secret');
    await page.type('#f-findings-1-description', 'Missing guard rail');
    await page.click('[data-repeat-add]');
    await page.keyboard.type('Cable across walkway');
    await page.select('#f-findings-2-severity', 'high');
    await page.type('#f-findings-2-action', 'Taped down');
    await drawWithMouse(page);
    const signature = await valueOf(page, '[data-signature-value]');
    // The last edit (the signature) is written once the typing has paused.
    await page.waitForFunction((drawn) => localStorage.getItem('kirjuri.autosave.record-new')?.includes(drawn), {}, signature);
    expect(await statusOf(page)).to.match(/^Saved on this device at \d\d:\d\d:\d\d\.$/);

    const entry = await entryOf(page, 'record-new');
    expect(Date.parse(entry!.savedAt)).to.be.closeTo(Date.now(), 60_000);
    const values = entry!.values;
    expect(values.filter(([name]) => !name.startsWith('data.findings') && name !== 'data.signature')).to.deep.equal([
      ['templateVersion', '3'], ['data.title', 'Weekly inspection on Monday'], ['data.notes', 'Scaffolding checked.\nAll good.'], ['data.weather', 'rain'],
      ['data.cover', ''], ['data.trades', 'electric'], ['data.trades', 'carpentry'], ['data.safetyOk', 'false'], ['data.hazard', ''], ['data.status', 'closed'],
      ['data.closingNotes', 'Closed by Aino.'], ['data.location.lat', ''], ['data.location.lon', ''], ['data.location.accuracy', ''],
    ]);
    expect(values.filter(([name]) => name.startsWith('data.findings.2'))).to.deep.equal([
      ['data.findings.2.description', 'Cable across walkway'], ['data.findings.2.severity', 'high'], ['data.findings.2.action', 'Taped down'],
    ]);
    expect(values).to.deep.include(['data.signature', signature]);

    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('[data-autosave-status]')!.textContent!.startsWith('Restored'));
    expect(await statusOf(page)).to.match(/^Restored what you typed on this device at \d\d:\d\d that was not saved to the server\. Discard it$/);
    expect(await valueOf(page, '#f-title')).to.equal('Weekly inspection on Monday');
    expect(await valueOf(page, '#f-notes')).to.equal('Scaffolding checked.\nAll good.');
    expect(await valueOf(page, '#f-weather')).to.equal('rain');
    expect(await page.$eval('#f-trades', (select) => Array.from((select as HTMLSelectElement).selectedOptions, (option) => option.value))).to.deep.equal(['electric', 'carpentry']);
    expect(await page.$eval('#f-safety', (box) => (box as HTMLInputElement).checked)).to.equal(false);
    expect(await page.$eval('input[name="data.status"]:checked', (radio) => (radio as HTMLInputElement).value)).to.equal('closed');
    expect(await valueOf(page, '#f-pin'), 'passwords are never kept').to.equal('');
    expect(await valueOf(page, '#f-private'), 'data-autosave-skip is not kept').to.equal('');
    expect(await valueOf(page, 'input[name="_csrf"]')).to.equal('csrf-token-0123456789');
    expect((await rowsOf(page)).map((row) => row.description)).to.deep.equal(['Loose railing on level 2', 'Missing guard rail', 'Cable across walkway']);
    expect(await valueOf(page, '#f-findings-2-severity')).to.equal('high');
    expect(await valueOf(page, '#f-findings-2-action')).to.equal('Taped down');
    // Other widgets heard the restore: conditions follow the restored values, the signature is drawn again.
    expect(await isHidden(page, '#closing')).to.equal(false);
    expect(await isHidden(page, '[data-show-if-name="data.weather"]')).to.equal(false);
    expect(await isHidden(page, '[data-show-if-name="data.safetyOk"]')).to.equal(false);
    expect(await isHidden(page, '[data-show-if-name="data.findings.2.severity"]')).to.equal(false);
    expect(await valueOf(page, '[data-signature-value]')).to.equal(signature);
    await waitForInk(page, 100);
    expect(await isHidden(page, '[data-signature-existing]')).to.equal(true);
    expect(await entryOf(page, 'record-new'), 'restoring did not rewrite the copy').to.deep.equal(entry);

    // Discard it: the copy goes, and the page shows the server's values again.
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('[data-autosave-status] button')]);
    expect(await entryOf(page, 'record-new')).to.equal(null);
    expect(await valueOf(page, '#f-title')).to.equal('Weekly inspection');
    expect(await statusOf(page)).to.equal('');
    expect((await rowsOf(page)).length).to.equal(2);
    expect(problems.list).to.deep.equal([]);
  });

  it('autosave writes on pagehide what no input event announced, and a page after a save clears the copies it names', async () => {
    const { page, problems } = await open('/form.html');
    await page.evaluate(() => {
      localStorage.setItem('kirjuri.autosave.record-42', JSON.stringify({ savedAt: new Date().toISOString(), values: [['data.title', 'x']] }));
      localStorage.setItem('kirjuri.autosave.record-7', JSON.stringify({ savedAt: new Date().toISOString(), values: [['data.title', 'y']] }));
    });
    // A value changed without an input event (as a browser's form restoration does) is written when the page is left.
    await page.$eval('#f-notes', (area) => {
      (area as HTMLTextAreaElement).value = 'Typed just before leaving';
    });
    expect(await entryOf(page, 'record-new')).to.equal(null);
    await page.goto(`${base}/edit.html`, { waitUntil: 'load' });
    expect((await entryOf(page, 'record-new'))!.values).to.deep.include(['data.notes', 'Typed just before leaving']);

    await page.goto(`${base}/saved.html`, { waitUntil: 'load' });
    expect(await entryOf(page, 'record-new')).to.equal(null);
    expect(await entryOf(page, 'record-42')).to.equal(null);
    expect(await entryOf(page, 'record-7'), 'a copy the page does not name stays').to.not.equal(null);
    expect(problems.list).to.deep.equal([]);
  });

  it('autosave ignores a copy older than the server\'s last save, and restores a newer one', async () => {
    const { page, problems } = await open('/edit.html');
    const store = (savedAt: string) => page.evaluate((at) => localStorage.setItem('kirjuri.autosave.record-42', JSON.stringify({ savedAt: at, values: [['data.title', 'Typed offline']] })), savedAt);
    await store('2025-06-02T09:29:59.000Z');
    await page.reload({ waitUntil: 'load' });
    await delay(50);
    expect(await valueOf(page, '#f-title')).to.equal('As saved on the server');
    expect(await statusOf(page)).to.equal('');

    await store('2025-06-02T09:30:01.000Z');
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('[data-autosave-status]')!.textContent!.startsWith('Restored'));
    expect(await valueOf(page, '#f-title')).to.equal('Typed offline');
    expect(await statusOf(page), 'a copy from another day says which day').to.match(/at \d\d:\d\d on 2025-06-02 that was not saved/);

    // A copy without a readable time is not trusted, even where the server has no saved-at.
    await page.goto(`${base}/form.html`, { waitUntil: 'load' });
    await page.evaluate(() => localStorage.setItem('kirjuri.autosave.record-new', JSON.stringify({ savedAt: 'yesterday', values: [['data.title', 'Garbled']] })));
    await page.reload({ waitUntil: 'load' });
    await delay(50);
    expect(await valueOf(page, '#f-title')).to.equal('Weekly inspection');
    expect(await statusOf(page)).to.equal('');
    expect(problems.list).to.deep.equal([]);
  });

  it('autosave says once that the device cannot keep a copy when storage is unavailable, and the form still works', async () => {
    const { page, problems } = await open('/edit.html', (page) => page.evaluateOnNewDocument(() => {
      Object.defineProperty(window, 'localStorage', { get: () => { throw new DOMException('Storage is disabled.', 'SecurityError'); } });
    }));
    await page.waitForFunction(() => document.querySelector('[data-autosave-status]')!.textContent !== '');
    expect(await statusOf(page)).to.equal('This device cannot keep a copy of what you type; save often.');
    // Once: later failed saves do not rewrite (and so re-announce) the status.
    await page.evaluate(() => {
      const status = document.querySelector('[data-autosave-status]')!;
      new MutationObserver((mutations) => status.setAttribute('data-rewrites', String(Number(status.getAttribute('data-rewrites') ?? 0) + mutations.length)))
        .observe(status, { childList: true, characterData: true, subtree: true });
    });
    await typeAtEnd(page, '#f-title', '!');
    await delay(400);
    expect(await page.$eval('[data-autosave-status]', (status) => status.getAttribute('data-rewrites'))).to.equal(null);
    expect(await valueOf(page, '#f-title')).to.equal('As saved on the server!');
    expect(problems.list).to.deep.equal([]);
  });

  it('conditional fields follow a radio, a checkbox and a select, and hidden controls keep their values', async () => {
    const { page, problems } = await open('/form.html');
    expect(await isHidden(page, '#closing')).to.equal(true);
    expect(await isHidden(page, '[data-show-if-name="data.safetyOk"]')).to.equal(true);
    expect(await isHidden(page, '[data-show-if-name="data.weather"]')).to.equal(true);
    expect(await isHidden(page, '[data-show-if-name="data.findings.0.severity"]')).to.equal(false);
    expect(await isHidden(page, '[data-show-if-name="data.findings.1.severity"]')).to.equal(true);

    await page.click('input[name="data.status"][value="closed"]');
    expect(await isHidden(page, '#closing')).to.equal(false);
    await page.type('#f-closing', 'Done');
    await page.click('input[name="data.status"][value="open"]');
    expect(await isHidden(page, '#closing')).to.equal(true);
    expect(await page.$eval('#f-closing', (area) => ({ value: (area as HTMLTextAreaElement).value, disabled: (area as HTMLTextAreaElement).disabled }))).to.deep.equal({ value: 'Done', disabled: false });
    expect(await page.$eval('#closing', (element) => getComputedStyle(element).display)).to.equal('none');

    await page.click('#f-safety');
    expect(await isHidden(page, '[data-show-if-name="data.safetyOk"]'), 'an unchecked checkbox is "false"').to.equal(false);
    // The theme's grid on a checkbox field must not beat `hidden`.
    await page.click('#f-safety');
    expect(await isHidden(page, '[data-show-if-name="data.safetyOk"]')).to.equal(true);
    await page.select('#f-weather', 'rain');
    expect(await isHidden(page, '[data-show-if-name="data.weather"]')).to.equal(false);
    await page.select('#f-findings-1-severity', 'high');
    expect(await isHidden(page, '[data-show-if-name="data.findings.1.severity"]')).to.equal(false);
    expect(problems.list).to.deep.equal([]);
  });

  it('a repeat group adds rows up to its maximum, and removing a row renumbers the later ones', async () => {
    const { page, problems } = await open('/form.html');
    expect(await page.$eval('[data-repeat-add]', (button) => (button as HTMLButtonElement).disabled)).to.equal(false);
    await page.click('[data-repeat-add]');
    expect(await page.evaluate(() => document.activeElement?.id), 'the new row\'s first control has the focus').to.equal('f-findings-2-description');
    await page.keyboard.type('Third');
    await page.click('[data-repeat-add]');
    await page.keyboard.type('Fourth');
    expect(await page.$eval('[data-repeat-add]', (button) => (button as HTMLButtonElement).disabled), 'Add is disabled at the maximum (4)').to.equal(true);
    await page.select('#f-findings-3-severity', 'high');

    // Remove the second row: the third and fourth become the second and third, in every attribute and number.
    await page.click('[data-repeat-row]:nth-child(2) [data-repeat-remove]');
    const rows = await rowsOf(page);
    expect(rows.map((row) => row.description)).to.deep.equal(['Loose railing on level 2', 'Third', 'Fourth']);
    expect(rows[2]).to.deep.equal({
      number: '3',
      names: ['data.findings.2.description', 'data.findings.2.severity', 'data.findings.2.action'],
      ids: ['f-findings-2-description-help', 'f-findings-2-description', 'f-findings-2-severity', 'f-findings-2-action'],
      labelsFor: ['f-findings-2-description', 'f-findings-2-severity', 'f-findings-2-action'],
      describedBy: 'f-findings-2-description-help',
      condition: 'data.findings.2.severity',
      removeLabel: 'Remove finding 3',
      description: 'Fourth',
    });
    expect(rows[1].number).to.equal('2');
    expect(rows[1].names[0]).to.equal('data.findings.1.description');
    expect(await valueOf(page, '#f-findings-2-severity'), 'a renumbered row keeps its values').to.equal('high');
    expect(await isHidden(page, '[data-show-if-name="data.findings.2.severity"]')).to.equal(false);
    expect(await page.$eval('[data-repeat-add]', (button) => (button as HTMLButtonElement).disabled)).to.equal(false);

    // The removal reached autosave like any edit.
    await page.waitForFunction(() => localStorage.getItem('kirjuri.autosave.record-new') !== null);
    expect((await entryOf(page, 'record-new'))!.values.filter(([name]) => name.endsWith('.description')).map(([, value]) => value)).to.deep.equal(['Loose railing on level 2', 'Third', 'Fourth']);

    // Down to the minimum (1): the last row cannot be removed.
    await page.click('[data-repeat-row]:nth-child(2) [data-repeat-remove]');
    await page.click('[data-repeat-row]:nth-child(2) [data-repeat-remove]');
    expect((await rowsOf(page)).length).to.equal(1);
    expect(await page.$eval('[data-repeat-remove]', (button) => (button as HTMLButtonElement).disabled)).to.equal(true);
    expect(problems.list).to.deep.equal([]);
  });

  it('a signature pad in a row that "Add another" made draws like the others', async () => {
    const { page, problems } = await open('/group-signature.html');
    await page.click('[data-repeat-add]');
    await drawWithMouse(page, '[data-repeat-row]:nth-child(2) [data-signature-pad] canvas');
    expect(await valueOf(page, '[name="data.checks.1.signed"]')).to.match(/^data:image\/png;base64,/);
    expect(await valueOf(page, '[name="data.checks.0.signed"]'), 'the first row\'s pad is untouched').to.equal('');
    expect(problems.list).to.deep.equal([]);
  });

  it('the location button fills latitude, longitude and accuracy from the device\'s position', async () => {
    const { page, problems } = await open('/form.html', async (page) => {
      await page.browserContext().setPermission(base, { permission: { name: 'geolocation' }, state: 'granted' });
      await page.setGeolocation({ latitude: 60.1698557, longitude: 24.9383791, accuracy: 12.4 });
    });
    await page.click('[data-location-capture]');
    await page.waitForFunction(() => document.querySelector('[data-location-status]')!.textContent!.startsWith('Location captured'));
    expect(await statusOf(page, '[data-location-status]')).to.equal('Location captured (±12 m).');
    expect([await valueOf(page, '#f-lat'), await valueOf(page, '#f-lon'), await valueOf(page, '#f-accuracy')]).to.deep.equal(['60.169856', '24.938379', '12']);
    await page.waitForFunction(() => localStorage.getItem('kirjuri.autosave.record-new')?.includes('60.169856'));
    expect(problems.list).to.deep.equal([]);
  });

  it('the location button says what to do when location is blocked, and is hidden without geolocation', async () => {
    const { page, problems } = await open('/form.html', (page) => page.browserContext().setPermission(base, { permission: { name: 'geolocation' }, state: 'denied' }));
    await page.click('[data-location-capture]');
    await page.waitForFunction(() => document.querySelector('[data-location-status]')!.textContent!.startsWith('Location is'));
    expect(await statusOf(page, '[data-location-status]')).to.equal('Location is blocked for this site: allow it in the browser\'s settings, or type the coordinates.');
    expect(await valueOf(page, '#f-lat')).to.equal('');

    const without = await open('/form.html', (page) => page.evaluateOnNewDocument(() => {
      Object.defineProperty(Navigator.prototype, 'geolocation', { get: () => undefined });
    }));
    expect(await without.page.$eval('[data-location-capture]', (button) => (button as HTMLElement).hidden)).to.equal(true);
    expect(await without.page.$eval('[data-location-capture]', (button) => getComputedStyle(button).display)).to.equal('none');
    expect([...problems.list, ...without.problems.list]).to.deep.equal([]);
  });

  it('the form fits a 390 px phone without sideways scrolling, and its widgets\' buttons are touch targets', async () => {
    const { page, problems } = await open('/form.html');
    await page.click('[data-repeat-add]');
    expect(await scrollsSideways(page)).to.equal(false);
    const small = await page.$$eval('[data-signature-clear], [data-location-capture], [data-repeat-add], [data-repeat-remove], [data-signature-pad] canvas', (elements) =>
      elements.map((element) => element.getBoundingClientRect()).filter((box) => box.width < 44 || box.height < 44));
    expect(small).to.deep.equal([]);
    const sheet = await page.$eval('link[href="/assets/css/records.css"]', (link) => (link as HTMLLinkElement).sheet?.cssRules.length ?? 0);
    expect(sheet, 'records.css loaded under the CSP').to.be.above(10);
    expect(await page.$eval('[data-signature-pad] canvas', (canvas) => getComputedStyle(canvas).touchAction)).to.equal('none');
    expect(problems.list).to.deep.equal([]);
  });
});
