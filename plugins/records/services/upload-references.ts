import type { Transaction } from 'sequelize';
import type { RecordFileStore } from './file-store.ts';
import { dataRefusal } from './record-input.ts';
import type { FieldErrors, TemplateField } from './template-definition.ts';

/** A field path without its group row (`rows.2.photo` -> `rows.photo`): rows may be added, moved and removed after the upload. */
const withoutRow = (path: string): string => path.replace(/\.\d+\./, '.');

/** Every upload id in record data with the path of the field holding it (`key`, or `group[N].key` as the record's error paths go). */
function uploadIdsOf(fields: readonly TemplateField[], data: Record<string, unknown>): Array<{ id: string; errorPath: string; fieldPath: string }> {
  const found: Array<{ id: string; errorPath: string; fieldPath: string }> = [];
  const collect = (value: unknown, errorPath: string, fieldPath: string): void => {
    if (Array.isArray(value)) for (const id of value) if (typeof id === 'string') found.push({ id, errorPath, fieldPath });
  };
  for (const field of fields) {
    const value = data[field.key];
    if (field.type === 'photo' || field.type === 'file') collect(value, field.key, field.key);
    if (field.type === 'group' && Array.isArray(value)) {
      value.forEach((row, index) => {
        if (!row || typeof row !== 'object') return;
        for (const inner of field.fields ?? []) {
          if (inner.type === 'photo' || inner.type === 'file') collect((row as Record<string, unknown>)[inner.key], `${field.key}[${index}].${inner.key}`, `${field.key}.${index}.${inner.key}`);
        }
      });
    }
  }
  return found;
}

/**
 * Refuses (422 naming each key) record data whose photo and file fields hold ids that are not files
 * uploaded to this record for that field; a group row's file may have moved to another row.
 */
export async function checkUploadReferences(input: {
  fields: readonly TemplateField[]; data: Record<string, unknown>; files: RecordFileStore; tenantId: string; recordId: string | null; transaction: Transaction;
}): Promise<void> {
  const references = uploadIdsOf(input.fields, input.data);
  if (references.length === 0) return;
  const uploaded = input.recordId === null ? [] : await input.files.ofRecord(input.tenantId, input.recordId, input.transaction);
  const fieldOf = new Map(uploaded.map((file) => [file.id, withoutRow(file.fieldPath)]));
  const errors: FieldErrors = {};
  for (const reference of references) {
    if (fieldOf.get(reference.id) !== withoutRow(reference.fieldPath)) errors[reference.errorPath] = `holds "${reference.id.slice(0, 64)}", which is not a file uploaded to this field of this record: upload it again`;
  }
  if (Object.keys(errors).length > 0) throw dataRefusal(errors);
}
