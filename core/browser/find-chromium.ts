import { accessSync, constants, statSync } from 'node:fs';

/** Where Debian, Ubuntu and Google put their browsers, in the order they are tried. */
export const chromiumCandidates: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

// A directory passes access(X_OK) too (and for root any execute bit does), so it must also be a file.
const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The Chromium to drive with puppeteer-core: the configured one (reports.chromium, KIRJURI_CHROMIUM), else the first system one; never Puppeteer's own download. */
export function findChromium(configured: string | null): string {
  if (configured !== null) {
    if (isExecutableFile(configured)) return configured;
    throw new Error(`The browser ${configured} (reports.chromium or KIRJURI_CHROMIUM) does not exist or is not an executable file: install Chromium there, or point the setting at it.`);
  }
  const found = chromiumCandidates.find(isExecutableFile);
  if (found) return found;
  throw new Error(`No Chromium was found (looked for ${chromiumCandidates.join(', ')}): install it (on Debian: apt-get install chromium), or set KIRJURI_CHROMIUM (reports.chromium) to its path.`);
}
