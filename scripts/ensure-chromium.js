// Run before the tests (npm test): the browser tests need a Chromium, and puppeteer cannot download one
// here. Finds the system Chromium (KIRJURI_CHROMIUM, else the usual paths); when there is none and this
// runs as root on a system with apt-get (a fresh machine of the project's kind, or CI), installs Debian's
// chromium package; otherwise exits 1 saying how to install it.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function find() {
  const configured = process.env.KIRJURI_CHROMIUM;
  if (configured) return executable(configured) ? configured : null;
  return candidates.find(executable) ?? null;
}

function run(command, args) {
  console.error(`ensure-chromium: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

let found = find();
if (!found && !process.env.KIRJURI_CHROMIUM && process.getuid?.() === 0 && executable('/usr/bin/apt-get')) {
  console.error('ensure-chromium: no Chromium found; the browser tests need one, so installing Debian\'s chromium package.');
  if (run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'])) found = find();
}
if (!found) {
  console.error(process.env.KIRJURI_CHROMIUM
    ? `ensure-chromium: KIRJURI_CHROMIUM=${process.env.KIRJURI_CHROMIUM} is not an executable file: point it at Chromium.`
    : 'ensure-chromium: no Chromium was found and it could not be installed: install it (on Debian: sudo apt-get install chromium) or set KIRJURI_CHROMIUM to its path, then run the tests again.');
  process.exit(1);
}
