// Run before the tests (npm test): the browser tests need a Chromium, and puppeteer cannot download one
// here. Finds the system Chromium like core/browser/find-chromium.ts (KIRJURI_CHROMIUM, else the usual
// paths); when there is none and this runs as root on a system with apt-get (a fresh machine of the
// project's kind, or CI), installs Debian's chromium package; otherwise exits 1 saying how to install it.
import { accessSync, constants, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];
const configured = process.env.KIRJURI_CHROMIUM || null;

// A directory passes access(X_OK) too (and for root any execute bit does), so it must also be a file.
function executableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function find() {
  if (configured) return executableFile(configured) ? configured : null;
  return candidates.find(executableFile) ?? null;
}

function run(command, args) {
  console.error(`ensure-chromium: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

let found = find();
let installTried = false;
if (!found && !configured && process.getuid?.() === 0 && executableFile('/usr/bin/apt-get')) {
  installTried = true;
  console.error('ensure-chromium: no Chromium found; the browser tests need one, so installing Debian\'s chromium package.');
  // A failed update may still leave usable package lists (an image's own), so the install is tried anyway.
  if (!run('apt-get', ['update', '-qq'])) console.error('ensure-chromium: apt-get update failed; trying the install with the package lists there are.');
  if (run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'])) found = find();
}
if (!found) {
  console.error(configured
    ? `ensure-chromium: KIRJURI_CHROMIUM=${configured} is not an executable file: point it at Chromium (or unset it to use /usr/bin/chromium), then run the tests again.`
    : `ensure-chromium: no Chromium was found${installTried ? ' and installing Debian\'s chromium package failed (see above)' : ''}: install it (on Debian: sudo apt-get install chromium) or set KIRJURI_CHROMIUM to its path, then run the tests again.`);
  process.exit(1);
}
console.error(`ensure-chromium: Chromium for the browser tests: ${found}.`);
