import { z } from 'zod';
import { folderName } from '../../../core/plugin-api.ts';
import { recordTitle } from './record-input.ts';

/** One folder of a structure template: its name, the records it should hold (empty drafts of a template) and its subfolders. */
export interface StructureFolder {
  name: string;
  records: Array<{ templateId: string; title: string }>;
  folders: StructureFolder[];
}

/** A folder structure template ("super folder"): a named tree of folders with the records each should contain. */
export interface StructureDefinition {
  name: string;
  description?: string;
  folders: StructureFolder[];
}

/** How deep a structure may nest below the project folder, and how big it may be. */
export const structureLimits = Object.freeze({ depth: 8, folders: 300, records: 500 });

const structureFolder: z.ZodType<StructureFolder> = z.lazy(() => z.strictObject({
  name: folderName,
  records: z.array(z.strictObject({ templateId: z.string().min(1).max(64), title: recordTitle })).max(50, 'must list at most 50 records').default([]),
  folders: z.array(structureFolder).max(100, 'must list at most 100 folders').default([]),
}));

/** The shape of a structure definition, as the API takes it. */
export const structureDefinition = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  description: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
  folders: z.array(structureFolder).min(1, 'must list at least one folder').max(100, 'must list at most 100 folders'),
}).superRefine((definition, context) => {
  let folders = 0;
  let records = 0;
  const walk = (list: readonly StructureFolder[], depth: number, path: Array<string | number>): void => {
    const names = new Set<string>();
    list.forEach((folder, index) => {
      folders += 1;
      records += folder.records.length;
      const key = folder.name.toLowerCase();
      if (names.has(key)) context.addIssue({ code: 'custom', path: [...path, index, 'name'], message: 'is used twice at this level: folder names beside each other must differ' });
      names.add(key);
      if (depth > structureLimits.depth) context.addIssue({ code: 'custom', path: [...path, index], message: `nests deeper than ${structureLimits.depth} levels` });
      walk(folder.folders, depth + 1, [...path, index, 'folders']);
    });
  };
  walk(definition.folders, 1, ['folders']);
  if (folders > structureLimits.folders) context.addIssue({ code: 'custom', path: ['folders'], message: `must hold at most ${structureLimits.folders} folders in all` });
  if (records > structureLimits.records) context.addIssue({ code: 'custom', path: ['folders'], message: `must hold at most ${structureLimits.records} records in all` });
});

/** Every template id a structure names. */
export function structureTemplateIds(folders: readonly StructureFolder[]): Set<string> {
  const ids = new Set<string>();
  const walk = (list: readonly StructureFolder[]): void => {
    for (const folder of list) {
      for (const record of folder.records) ids.add(record.templateId);
      walk(folder.folders);
    }
  };
  walk(folders);
  return ids;
}
