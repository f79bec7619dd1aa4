import type { AccessLevel } from '../../../core/plugin-api.ts';
import type { JournalEntry } from '../services/journal-store.ts';
import { measurementScore } from '../services/measurement-score.ts';
import type { RecordSummary } from '../services/record-list-query.ts';
import type { RecordRevision, StoredRecord } from '../services/record-store.ts';
import type { Template, TemplateVersion } from '../services/template-store.ts';

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/** A record in the API's words; a measurement's score with its counts. */
export function recordJson(record: StoredRecord, access: AccessLevel, template: TemplateVersion): Record<string, unknown> {
  return {
    id: record.id, templateId: record.templateId, templateVersion: record.templateVersion, kind: template.definition.kind, folderId: record.folderId, title: record.title,
    status: record.status, data: record.data, score: template.definition.kind === 'measurement' ? measurementScore(template.definition.fields, record.data) : null,
    revision: record.revision, ownerId: record.ownerId, access, createdAt: iso(record.createdAt), updatedAt: iso(record.updatedAt), completedAt: iso(record.completedAt), completedBy: record.completedBy,
  };
}

/** A row of a record list. */
export function recordSummaryJson(record: RecordSummary): Record<string, unknown> {
  return {
    id: record.id, templateId: record.templateId, templateVersion: record.templateVersion, folderId: record.folderId, title: record.title, status: record.status,
    score: record.score, revision: record.revision, ownerId: record.ownerId, createdAt: iso(record.createdAt), updatedAt: iso(record.updatedAt),
  };
}

/** A revision in the API's words (data only when asked for one revision). */
export function revisionJson(revision: Omit<RecordRevision, 'data'> & { data?: Record<string, unknown> }): Record<string, unknown> {
  return {
    revision: revision.revision, title: revision.title, status: revision.status, score: revision.score, change: revision.change, authorId: revision.authorId, at: iso(revision.createdAt),
    ...(revision.data ? { data: revision.data } : {}),
  };
}

/** A journal entry in the API's words. */
export function entryJson(entry: JournalEntry): Record<string, unknown> {
  return { id: entry.id, seq: entry.seq, text: entry.text, data: entry.data, corrects: entry.correctsId, authorId: entry.authorId, at: iso(entry.createdAt) };
}

/** A template in the API's words, with its current definition. */
export function templateJson(template: Template, current: TemplateVersion | null): Record<string, unknown> {
  return {
    id: template.id, name: template.name, description: template.description, kind: template.kind, version: template.currentVersion, hasDraft: template.draft !== null,
    ...(current ? { fields: current.definition.fields, ...(current.definition.entryFields ? { entryFields: current.definition.entryFields } : {}) } : {}),
    createdAt: iso(template.createdAt), updatedAt: iso(template.updatedAt),
  };
}
