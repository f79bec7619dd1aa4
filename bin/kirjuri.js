#!/usr/bin/env node
// The `kirjuri` command: runs the compiled CLI from dist/ (npm run build makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../dist/core/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('Kirjuri is not built yet: run "npm run build" (or "npm start", which builds first).');
  process.exit(1);
}
await import(pathToFileURL(main).href);
