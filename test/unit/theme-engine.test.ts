import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { AppError } from '../../core/http/app-error.ts';
import { kirjuriVersion, packageRoot } from '../../core/kernel/install-paths.ts';
import { loadThemeEngine, ThemeLoadError, type ThemeEngine } from '../../core/web/index.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const shippedThemes = join(packageRoot, 'themes');
const locals = { requestId: 'req-1', cspNonce: 'nonce-abc123' };

/** Writes a theme folder in a fresh themes directory; `files` maps relative paths to contents. */
function themeDir(name: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const themes = mkdtempSync(join(tmpdir(), 'kirjuri-themes-'));
  const dir = join(themes, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'theme.json'), JSON.stringify({ name, version: '1.0.0', description: 'A test theme.', kirjuri: '>=0.1.0', ...manifest }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return themes;
}

const load = (extraDirs: string[] = [], defaultTheme = 'default'): Promise<ThemeEngine> =>
  loadThemeEngine({ themeDirs: [shippedThemes, ...extraDirs], defaultTheme, kirjuriVersion });

describe('theme engine', () => {
  it('renders core/home inside the default layout with the CSP nonce, versioned assets and the theme colours', async () => {
    const engine = await load();
    const html = engine.render({ view: 'core/home', data: { title: 'Home' }, locals });
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.contain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).to.contain('<style nonce="nonce-abc123">');
    expect(html).to.contain('--kirjuri-primary:#1b5e9e');
    expect(html).to.contain(`href="${engine.assetUrl('default', 'css/kirjuri.css')}"`);
    expect(engine.assetUrl('default', 'css/kirjuri.css')).to.match(/^\/assets\/default\/[\w.-]+\/css\/kirjuri\.css$/);
    expect(html).to.contain('class="skip-link" href="#main"');
    expect(html).to.contain('Welcome to Kirjuri');
    expect(html).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/, 'no inline scripts: the CSP forbids them');
  });

  it('renders core/error with its status and message, escaping what the data holds', async () => {
    const engine = await load();
    const html = engine.render({ view: 'core/error', data: { status: 404, title: 'Not found', message: 'No such <b>page</b>', requestId: 'req-1' }, locals });
    expect(html).to.contain('404');
    expect(html).to.contain('No such &lt;b&gt;page&lt;/b&gt;');
    expect(html).not.to.contain('<b>page</b>');
  });

  it('renders a view alone with layout: false, and fails with a sentence for an unknown view, layout or theme', async () => {
    const engine = await load();
    const fragment = engine.render({ view: 'core/home', layout: false, data: {}, locals });
    expect(fragment).not.to.contain('<html');
    const unknownView = (() => { try { engine.render({ view: 'core/nope', data: {}, locals }); } catch (e) { return e; } })() as AppError;
    expect(unknownView).to.be.instanceOf(AppError);
    expect(unknownView.message).to.contain('The view "core/nope" does not exist in theme "default"');
    expect(() => engine.render({ view: 'core/home', layout: 'wide', data: {}, locals })).to.throw('The layout "wide" does not exist');
    expect(() => engine.render({ theme: 'acme', view: 'core/home', data: {}, locals })).to.throw('The theme "acme" is not installed');
  });

  it('applies a tenant\'s validated settings: brand colour, contrasting text and product name', async () => {
    const engine = await load();
    const html = engine.render({ view: 'core/home', data: {}, locals: { ...locals, settings: { primaryColor: '#FFEE00', productName: 'Rakennus Oy' } } });
    expect(html).to.contain('--kirjuri-primary:#ffee00');
    expect(html).to.contain('--kirjuri-on-primary:#111827');
    expect(html).to.contain('Welcome to Rakennus Oy');
  });

  it('refuses tenant settings that break their type, naming every bad key', async () => {
    const engine = await load();
    const error = (() => {
      try {
        engine.resolveSettings('default', { primaryColor: 'red; } body { display:none', logo: 'https://evil.example/x.png', showPoweredBy: 'yes', font: 'Comic' });
      } catch (e) { return e; }
    })() as AppError;
    expect(error).to.be.instanceOf(AppError);
    expect(error.status).to.equal(422);
    const keys = (error.details as { problems: { key: string }[] }).problems.map((p) => p.key);
    expect(keys).to.have.members(['primaryColor', 'logo', 'showPoweredBy', 'font']);
    expect(error.message).to.contain('must be a colour written as #rgb or #rrggbb');
    expect(engine.resolveSettings('default', { primaryColor: '#ABC' }).primaryColor).to.equal('#abc');
  });

  it('loads a theme that extends default: its own view, layout partial override and a helper from its own file', async () => {
    const dir = themeDir('acme', {
      extends: 'default',
      settings: { tagline: { type: 'text', label: 'Tagline', default: 'Built right' } },
    }, {
      'helpers/shout.js': 'export default function shout(text) { return String(text).toUpperCase() + "!"; }\n',
      'views/acme/hello.hbs': '<p class="hello">{{shout name}} {{@settings.tagline}}</p>',
      'partials/footer.hbs': '<footer class="acme-footer">Acme footer</footer>',
      'assets/css/acme.css': 'body { color: black; }\n',
    });
    const engine = await load([dir], 'acme');
    expect(engine.themeNames()).to.deep.equal(['acme', 'default']);
    const html = engine.render({ view: 'acme/hello', data: { name: 'Maija' }, locals });
    expect(html).to.contain('<p class="hello">MAIJA! Built right</p>');
    expect(html).to.contain('<footer class="acme-footer">Acme footer</footer>');
    // Inherited from default: its layout, its core views and its assets.
    expect(html).to.contain('<style nonce="nonce-abc123">');
    expect(engine.hasView('core/home', 'acme')).to.equal(true);
    expect(engine.findAsset('acme', 'css/kirjuri.css')).not.to.equal(undefined);
    expect(engine.findAsset('acme', 'css/acme.css')).not.to.equal(undefined);
    expect(engine.findAsset('default', 'css/acme.css')).to.equal(undefined);
    expect(engine.theme('acme').settings).to.include.keys('tagline', 'primaryColor');
  });

  it('renders plugin views registered from a plugin\'s folder, and a theme may override them', async () => {
    const views = mkdtempSync(join(tmpdir(), 'kirjuri-views-'));
    writeFileSync(join(views, 'list.hbs'), '<ul class="plugin-list">{{#each items}}<li>{{this}}</li>{{/each}}</ul>');
    const override = themeDir('acme', {}, { 'views/records/list.hbs': '<ol class="acme-list">{{#each items}}<li>{{this}}</li>{{/each}}</ol>' });
    const engine = await loadThemeEngine({ themeDirs: [shippedThemes, override], defaultTheme: 'default', kirjuriVersion, viewDirs: [{ namespace: 'records', dir: views }] });
    expect(engine.render({ view: 'records/list', layout: false, data: { items: ['a', '<b>'] }, locals })).to.equal('<ul class="plugin-list"><li>a</li><li>&lt;b&gt;</li></ul>');
    expect(engine.render({ theme: 'acme', view: 'records/list', layout: false, data: { items: ['a'] }, locals })).to.equal('<ol class="acme-list"><li>a</li></ol>');
  });

  describe('refuses a broken theme with its name and the reason', () => {
    const cases: [string, () => string, RegExp][] = [
      ['a theme for another Kirjuri version', () => themeDir('old', { kirjuri: '^0.0.1' }), /Theme "old".*supports Kirjuri \^0\.0\.1.*this is Kirjuri/],
      ['an unknown key in theme.json', () => themeDir('odd', { colour: 'red' }), /Theme "odd".*"colour" is not a known key/],
      ['theme.json that is not JSON', () => {
        const dir = themeDir('broken', {});
        writeFileSync(join(dir, 'broken', 'theme.json'), '{"name": ');
        return dir;
      }, /Theme "broken".*is not valid JSON/],
      ['a colour setting whose default is not a colour', () => themeDir('pale', { settings: { primaryColor: { type: 'color', label: 'Primary', default: 'blue' } } }), /Theme "pale".*settings\.primaryColor\.default.*must be a colour/],
      ['a template with a syntax error, naming the file and line', () => themeDir('typo', {}, { 'views/typo/page.hbs': '<p>\n{{#if x}}open</p>\n' }), /Theme "typo".*views\/typo\/page\.hbs.*line/],
      ['a template naming a partial no theme has', () => themeDir('lost', {}, { 'views/lost/page.hbs': '{{> nowhere}}' }), /Theme "lost".*partial "nowhere"/],
      ['a helper file without a default export', () => themeDir('nohelp', {}, { 'helpers/shout.js': 'export const shout = () => "";\n' }), /Theme "nohelp".*helpers\/shout\.js must export its helper function as the default export/],
      ['a helper file that replaces a built-in helper', () => themeDir('sneaky', {}, { 'helpers/each.js': 'export default function each() { return ""; }\n' }), /Theme "sneaky".*would replace Handlebars' built-in "each" helper/],
      ['an extends chain naming a missing theme', () => themeDir('orphan', { extends: 'ghost' }), /Theme "orphan".*ghost/],
    ];
    for (const [what, makeDir, expected] of cases) {
      it(what, async () => {
        const error = await rejectionOf(load([makeDir()]));
        expect(error).to.be.instanceOf(ThemeLoadError);
        expect(error.message.replace(/\n/g, ' ')).to.match(expected);
      });
    }

    it('a theme installed twice under the same name', async () => {
      const error = await rejectionOf(load([themeDir('default', {})]));
      expect(error.message).to.contain('Theme "default"').and.to.contain('installed twice');
    });

    it('a configured default theme that is not installed', async () => {
      const error = await rejectionOf(load([], 'missing'));
      expect(error.message).to.contain('Theme "missing"').and.to.contain('themes.default');
    });
  });
});
