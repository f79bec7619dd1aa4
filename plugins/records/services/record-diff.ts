// What changed between two versions of a record's data, for the revision history and the audit log.
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject, ownValue } from './plain-values.ts';
import type { TemplateField } from './template-types.ts';

export interface FieldChange {
  /** The data path: 'depth', 'rows[1].note'. */
  path: string;
  /** The path in people's words: 'Rows › 2 › Note' (rows counted from 1). */
  label: string;
  kind: 'added' | 'removed' | 'changed';
  /** The old value; undefined when the field was added. */
  before: unknown;
  /** The new value; undefined when the field was removed. */
  after: unknown;
}

/**
 * The changes from `before` to `after`, in template field order. Group rows are compared by position, so
 * a row only in `after` shows as its fields added. Keys that are not fields of the template are ignored.
 */
export function diffRecordData(fields: readonly TemplateField[], before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  diffLevel(fields, before, after, { path: '', label: '' }, changes);
  return changes;
}

function diffLevel(
  fields: readonly TemplateField[], before: Record<string, unknown>, after: Record<string, unknown>,
  prefix: { path: string; label: string }, changes: FieldChange[],
): void {
  for (const field of fields) {
    if (field.type === 'heading') continue;
    const path = prefix.path + field.key;
    const label = prefix.label + field.label;
    const old = presentValue(field, ownValue(before, field.key));
    const now = presentValue(field, ownValue(after, field.key));
    if (field.type === 'group') {
      const oldRows = rowsOf(old);
      const newRows = rowsOf(now);
      for (let index = 0; index < Math.max(oldRows.length, newRows.length); index++) {
        const rowPrefix = { path: `${path}[${index}].`, label: `${label} › ${index + 1} › ` };
        diffLevel(field.fields ?? [], oldRows[index] ?? {}, newRows[index] ?? {}, rowPrefix, changes);
      }
    } else if (old === undefined && now !== undefined) changes.push({ path, label, kind: 'added', before: undefined, after: now });
    else if (old !== undefined && now === undefined) changes.push({ path, label, kind: 'removed', before: old, after: undefined });
    else if (old !== undefined && !isDeepStrictEqual(old, now)) changes.push({ path, label, kind: 'changed', before: old, after: now });
  }
}

// null is "not applicable" for a score, an answer like any other; for every other field it means no value.
function presentValue(field: TemplateField, value: unknown): unknown {
  return value === null && field.type !== 'score' ? undefined : value;
}

function rowsOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((row: unknown) => (isPlainObject(row) ? row : {})) : [];
}
