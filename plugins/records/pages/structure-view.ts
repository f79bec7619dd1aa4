// The structure editor's data: the folder tree as nested cards, each with its records and its forms
// (rename, add a folder inside, add a record, remove), and the form that makes a project from it.
import type { VisibleFolder } from '../../../core/plugin-api.ts';
import { structureLimits, type StructureFolder } from '../services/structure-definition.ts';
import type { Structure } from '../services/structure-store.ts';
import type { Template } from '../services/template-store.ts';
import { folderAnchor, placeText, type FolderPlace } from './structure-tree.ts';

/** A form of the editor shown again after a refusal: which action on which folder, what was typed and why it was refused. */
export interface StructureAttempt {
  action: 'details' | 'add' | 'rename' | 'remove' | 'record' | 'apply';
  /** The folder's place ("0.2"; "" for the top). */
  at: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** What the editor page is built from. */
export interface StructureInput {
  structure: Structure;
  templates: readonly Template[];
  /** Where a project may be made: the top level's folders. */
  parents: readonly VisibleFolder[];
  /** The folder card to show open (one just changed). */
  open: string | null;
  attempt?: StructureAttempt;
}

type FormState = { values: Record<string, string>; errors: Record<string, string> };

/** Counts the folders and records of a tree. */
export function treeCounts(folders: readonly StructureFolder[]): { folders: number; records: number } {
  let counted = { folders: 0, records: 0 };
  for (const folder of folders) {
    const inner = treeCounts(folder.folders);
    counted = { folders: counted.folders + 1 + inner.folders, records: counted.records + folder.records.length + inner.records };
  }
  return counted;
}

/** The view data of `records/structures/editor`. */
export function structureView(input: StructureInput): Record<string, unknown> {
  const { structure, attempt } = input;
  const templateNames = new Map(input.templates.map((template) => [template.id, template.name]));
  const formFor = (action: StructureAttempt['action'], at: string, values: Record<string, string> = {}): FormState =>
    (attempt?.action === action && attempt.at === at ? { values: { ...values, ...attempt.values }, errors: attempt.errors } : { values, errors: {} });
  const nodeOf = (folder: StructureFolder, place: FolderPlace): Record<string, unknown> => {
    const at = placeText(place);
    const anchor = folderAnchor(place);
    return {
      at, anchor, name: folder.name, depth: place.length,
      open: input.open === at || (attempt !== undefined && attempt.at === at && ['add', 'rename', 'remove', 'record'].includes(attempt.action)),
      records: folder.records.map((record, index) => ({ index, title: record.title, template: templateNames.get(record.templateId) ?? 'a template that is gone' })),
      folders: folder.folders.map((child, index) => nodeOf(child, [...place, index])),
      canNest: place.length < structureLimits.depth,
      rename: formFor('rename', at, { name: folder.name }), add: formFor('add', at), record: formFor('record', at),
      ids: { rename: `${anchor}-rename`, add: `${anchor}-add`, title: `${anchor}-title`, template: `${anchor}-template` },
    };
  };
  const counts = treeCounts(structure.definition.folders);
  return {
    title: `Folder structure: ${structure.name}`,
    structure: { id: structure.id, name: structure.name, description: structure.description ?? '', ...counts },
    details: formFor('details', '', { name: structure.name, description: structure.description ?? '' }),
    folders: structure.definition.folders.map((folder, index) => nodeOf(folder, [index])),
    addTop: formFor('add', ''),
    templateOptions: input.templates.map((template) => ({ value: template.id, label: template.name })),
    hasTemplates: input.templates.length > 0,
    apply: formFor('apply', '', { parentId: '' }),
    parentOptions: [{ value: '', label: 'At the top level' }, ...input.parents.map((folder) => ({ value: folder.id, label: `In ${folder.name}` }))],
  };
}
