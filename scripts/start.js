// npm start / npm run kirjuri: build with tsc when the sources are newer than the last build, then
// run the kirjuri CLI with the given arguments.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildInfo = join(root, 'dist', '.tsbuildinfo');

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(...['core', 'plugins', 'themes', 'test', 'bench'].map((d) => newestSource(join(root, d))), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(buildInfo) || !existsSync(join(root, 'dist', 'core', 'main.js')) || statSync(buildInfo).mtimeMs < sources) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    console.error('Kirjuri needs building, but TypeScript is not installed: run "npm install" (with dev dependencies) first.');
    process.exit(1);
  }
  console.error('Building Kirjuri (tsc)...');
  const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(new URL('../bin/kirjuri.js', import.meta.url).href);
