// Templates as files: the export envelope that moves a template between Kirjuri installations, and the
// library of ready templates shipped in that same format in plugins/records/library/.
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPlainObject, setOwn, shown } from './plain-values.ts';
import { parseTemplateDefinition } from './template-definition.ts';
import type { FieldErrors, TemplateDefinition } from './template-types.ts';

export const templateExportFormat = 'kirjuri-template';
export const templateExportVersion = 1;

/** The ids of the templates shipped in plugins/records/library/. */
export const libraryTemplateIds = ['site-diary', 'safety-measurement', 'inspection'] as const;

export interface TemplateExport { format: 'kirjuri-template'; formatVersion: 1; template: TemplateDefinition }

const envelopeProperties = ['format', 'formatVersion', 'template'];

/** A template in the export format, ready for JSON.stringify (a copy: later edits do not reach it). */
export function templateExportOf(definition: TemplateDefinition): TemplateExport {
  return { format: templateExportFormat, formatVersion: templateExportVersion, template: structuredClone(definition) };
}

/**
 * Reads an export file's parsed JSON: the envelope first (errors at 'format', 'formatVersion'), then the
 * template, whose errors are prefixed 'template.' ('template.fields[3].type').
 */
export function parseTemplateExport(input: unknown): { ok: true; definition: TemplateDefinition } | { ok: false; errors: FieldErrors } {
  if (!isPlainObject(input) || input.format !== templateExportFormat) {
    return { ok: false, errors: { format: `must be "${templateExportFormat}": this is not a Kirjuri template export` } };
  }
  const errors: FieldErrors = {};
  for (const key of Object.keys(input)) if (!envelopeProperties.includes(key)) setOwn(errors, key, 'is not a property of a template export');
  const version = input.formatVersion;
  if (typeof version === 'number' && version > templateExportVersion) {
    errors.formatVersion = `is ${version}, newer than this Kirjuri reads (${templateExportVersion}): update Kirjuri to import this template`;
  } else if (version !== templateExportVersion) errors.formatVersion = `must be ${templateExportVersion}`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = parseTemplateDefinition(input.template);
  if (parsed.ok) return parsed;
  const prefixed = Object.entries(parsed.errors).map(([path, error]) => [path === 'template' ? path : `template.${path}`, error]);
  return { ok: false, errors: Object.fromEntries(prefixed) as FieldErrors };
}

const libraryReads = new Map<string, Promise<TemplateDefinition>>();

/** A template of the shipped library, read from plugins/records/library/<id>.json and checked (once: the files do not change while Kirjuri runs). */
export async function loadLibraryTemplate(id: string): Promise<TemplateDefinition> {
  if (!(libraryTemplateIds as readonly string[]).includes(id)) {
    throw new Error(`There is no library template ${shown(id)}; the library has ${libraryTemplateIds.join(', ')}.`);
  }
  let read = libraryReads.get(id);
  if (!read) {
    read = readLibraryTemplate(id);
    libraryReads.set(id, read);
    read.catch(() => libraryReads.delete(id));
  }
  // Each caller gets its own copy: the designer and the import change what they are given.
  return structuredClone(await read);
}

async function readLibraryTemplate(id: string): Promise<TemplateDefinition> {
  const file = join(await packageRoot(), 'plugins', 'records', 'library', `${id}.json`);
  const parsed = parseTemplateExport(JSON.parse(await readFile(file, 'utf8')) as unknown);
  if (!parsed.ok) {
    const problems = Object.entries(parsed.errors).map(([path, error]) => `${path} ${error}`).join('; ');
    throw new Error(`The library template ${file} is damaged: ${problems}. Reinstall Kirjuri to restore it.`);
  }
  return parsed.definition;
}

let rootSearch: Promise<string> | undefined;

// The library files stay in the source tree (tsc copies no .json into dist/), while this module runs
// from dist/plugins/records/services/ under Node and from the source under Deno: the nearest directory
// above it with a package.json is the root in both cases.
function packageRoot(): Promise<string> {
  rootSearch ??= (async () => {
    const start = dirname(fileURLToPath(import.meta.url));
    for (let dir = start; ; dir = dirname(dir)) {
      if (await access(join(dir, 'package.json')).then(() => true, () => false)) return dir;
      if (dirname(dir) === dir) throw new Error(`No package.json was found above ${start}, so the template library cannot be found.`);
    }
  })();
  return rootSearch;
}
