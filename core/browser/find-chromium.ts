import { accessSync, constants } from 'node:fs';

/** Where Debian, Ubuntu and Google put their browsers, in the order they are tried. */
export const chromiumCandidates: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium (or Chrome) executable Kirjuri drives with puppeteer-core for PDF reports and browser
 * tests: the configured one (reports.chromium, KIRJURI_CHROMIUM) when set, else the first system one
 * found. Puppeteer's own download is never used: it cannot work without internet access.
 */
export function findChromium(configured: string | null): string {
  if (configured !== null) {
    if (isExecutable(configured)) return configured;
    throw new Error(`The browser ${configured} (reports.chromium or KIRJURI_CHROMIUM) does not exist or is not executable: install Chromium there, or point the setting at it.`);
  }
  const found = chromiumCandidates.find(isExecutable);
  if (found) return found;
  throw new Error(`No Chromium was found (looked for ${chromiumCandidates.join(', ')}): install it (on Debian: apt-get install chromium), or set KIRJURI_CHROMIUM to its path.`);
}
