// A folder structure template's tree as its editor changes it. A folder's place is the list of indexes
// down to it, written "0.2.1" in forms; every change is made on a copy and checked as a whole before it
// is stored, so a stored structure is always valid.
import type { z } from 'zod';
import { structureDefinition, type StructureDefinition, type StructureFolder } from '../services/structure-definition.ts';

/** The indexes from the top of the tree down to a folder. */
export type FolderPlace = number[];

const placePattern = /^\d{1,3}(?:\.\d{1,3}){0,9}$/;

/** A folder's place from a form's `at` ("0.2.1"), or null; "" (the top) is null here too. */
export function parseFolderPlace(text: string): FolderPlace | null {
  return placePattern.test(text) ? text.split('.').map(Number) : null;
}

/** "0.2.1" */
export function placeText(place: FolderPlace): string {
  return place.join('.');
}

/** The page anchor of a folder's card. */
export function folderAnchor(place: FolderPlace): string {
  return place.length === 0 ? 'structure-folders' : `folder-${place.join('-')}`;
}

/** The folder at a place, or null. */
export function folderAt(definition: StructureDefinition, place: FolderPlace): StructureFolder | null {
  let list = definition.folders;
  let found: StructureFolder | null = null;
  for (const index of place) {
    found = list[index] ?? null;
    if (!found) return null;
    list = found.folders;
  }
  return found;
}

/**
 * A changed copy of the definition, or null when the place is not in it: `change` gets the list the
 * place is in (the top list for []) and the folder at the place (null for the top), and answers false
 * when what the form named is not there.
 */
export function changeTree(definition: StructureDefinition, place: FolderPlace, change: (folder: StructureFolder | null, siblings: StructureFolder[]) => void | false): StructureDefinition | null {
  const copy = structuredClone(definition);
  const parent = place.length <= 1 ? null : folderAt(copy, place.slice(0, -1));
  const siblings = place.length <= 1 ? copy.folders : parent?.folders;
  const folder = place.length === 0 ? null : (siblings?.[place.at(-1)!] ?? null);
  if (!siblings || (place.length > 0 && !folder)) return null;
  return change(folder, siblings) === false ? null : copy;
}

/** The result of checking a changed definition: the definition to store, or the problems by form control. */
export type CheckedTree = { ok: true; definition: StructureDefinition } | { ok: false; errors: Record<string, string>; others: string[] };

// An action changes one thing, so whatever the check finds was caused by it: the issue's last property
// names the control it belongs beside (name, title, templateId, description); the rest (too deep, too
// many folders, the last folder removed) is said at the top of the page.
const controls = new Set(['name', 'title', 'templateId', 'description']);

/** Checks a changed definition with the structure schema, sorting its issues onto the action's form. */
export function checkTree(definition: StructureDefinition): CheckedTree {
  const parsed = structureDefinition.safeParse(definition);
  if (parsed.success) return { ok: true, definition: parsed.data as StructureDefinition };
  return sortIssues(parsed.error.issues);
}

function sortIssues(issues: z.ZodError['issues']): CheckedTree {
  const errors: Record<string, string> = {};
  const others: string[] = [];
  for (const issue of issues) {
    const last = [...issue.path].reverse().find((part) => typeof part === 'string');
    const message = issue.message.replace(/^Invalid input: /, '');
    if (typeof last === 'string' && controls.has(last)) errors[last] ??= message;
    else others.push(`${describePath(issue.path)} ${message}`);
  }
  return { ok: false, errors, others };
}

function describePath(path: readonly PropertyKey[]): string {
  const folders = path.filter((part) => typeof part === 'number').length;
  return folders === 0 ? 'The structure' : 'The folder';
}
