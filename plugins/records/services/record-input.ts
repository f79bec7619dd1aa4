import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { AppError, hasControlCharacters } from '../../../core/plugin-api.ts';
import type { FieldErrors, TemplateField } from './template-definition.ts';
import type { SignatureReference, SignatureStore } from './signature-store.ts';
import type { StagedDrawings } from './staged-drawings.ts';

/** A record's title: what lists, shares and the audit log call it. */
export const recordTitle = z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters')
  .refine((title) => !hasControlCharacters(title), 'must not contain control characters');

/** The form-style name of a data path: `rows[1].note` -> `data.rows.1.note` (what the record form's controls are called). */
export function dataFieldName(path: string): string {
  return `data.${path.replace(/\[(\d+)\]/g, '.$1')}`;
}

/** The 422 of record data that breaks its template, naming every failing key. */
export function dataRefusal(errors: FieldErrors, what = 'The record'): AppError {
  const fields = Object.fromEntries(Object.entries(errors).map(([path, message]) => [dataFieldName(path), message]));
  const names = Object.keys(errors).join(', ');
  return new AppError(422, 'invalid_record_data', `${what} does not fit its template: check ${names}.`, { details: { fields } });
}

const maxSearchText = 20_000;

/** The lower-cased title and text fields (group rows included) that the list's text search looks in. */
export function searchTextOf(fields: readonly TemplateField[], title: string, data: Record<string, unknown>): string {
  const parts = [title];
  const collect = (level: readonly TemplateField[], values: Record<string, unknown>): void => {
    for (const field of level) {
      const value = values[field.key];
      if ((field.type === 'text' || field.type === 'longtext') && typeof value === 'string') parts.push(value);
      if (field.type === 'group' && Array.isArray(value)) for (const row of value) if (row && typeof row === 'object') collect(field.fields ?? [], row as Record<string, unknown>);
    }
  };
  collect(fields, data);
  return parts.join('\n').toLowerCase().slice(0, maxSearchText);
}

/** Every signature reference in record data, by signature id (group rows included). */
export function signatureReferences(fields: readonly TemplateField[], data: Record<string, unknown>): Map<string, SignatureReference> {
  const found = new Map<string, SignatureReference>();
  visitSignatures(fields, data, '', (value) => {
    if (value && typeof value === 'object' && 'signatureId' in value) found.set(String((value as SignatureReference).signatureId), value as SignatureReference);
    return value;
  });
  return found;
}

/**
 * Turns every new drawing (`{image}`) in the data into a signature of this record at `revision`, signed by
 * the caller, with its reference in its place; a reference the record did not already hold (made up, or
 * another record's) is refused. Returns the data to save and the writes that store the drawings, to run
 * once the record row exists.
 */
export function resolveSignatures(input: {
  fields: readonly TemplateField[]; data: Record<string, unknown>; previous: Record<string, unknown>; store: SignatureStore;
  tenantId: string; recordId: string; revision: number; signer: { id: string; name: string }; staged: StagedDrawings;
}): { data: Record<string, unknown>; signed: string[]; write(transaction: Transaction): Promise<void> } {
  const known = signatureReferences(input.fields, input.previous);
  const unknown: FieldErrors = {};
  const writes: Array<(transaction: Transaction) => Promise<void>> = [];
  const signed: string[] = [];
  const data = visitSignatures(input.fields, structuredClone(input.data), '', (value, path) => {
    if (!value || typeof value !== 'object') return value;
    if ('image' in value) {
      const prepared = input.store.prepare({
        tenantId: input.tenantId, recordId: input.recordId, fieldPath: path, revision: input.revision, signerId: input.signer.id, signerName: input.signer.name, image: String((value as { image: string }).image), staged: input.staged,
      });
      writes.push(prepared.write);
      signed.push(path);
      return prepared.reference;
    }
    const reference = known.get(String((value as SignatureReference).signatureId));
    if (!reference) unknown[path] = 'is not a signature of this record: draw it again';
    return reference ?? value;
  });
  if (Object.keys(unknown).length > 0) throw dataRefusal(unknown);
  return { data, signed, write: async (transaction) => { for (const write of writes) await write(transaction); } };
}

type SignatureVisitor = (value: unknown, path: string) => unknown;

/** Calls `visit` for each signature field's value (top level and in group rows) and puts what it returns in its place. */
function visitSignatures(fields: readonly TemplateField[], data: Record<string, unknown>, prefix: string, visit: SignatureVisitor): Record<string, unknown> {
  for (const field of fields) {
    const value = data[field.key];
    const path = `${prefix}${field.key}`;
    if (field.type === 'signature' && value !== undefined && value !== null) {
      data[field.key] = visit(value, path);
    } else if (field.type === 'group' && Array.isArray(value)) {
      value.forEach((row, index) => {
        if (row && typeof row === 'object') visitSignatures(field.fields ?? [], row as Record<string, unknown>, `${path}[${index}].`, visit);
      });
    }
  }
  return data;
}
