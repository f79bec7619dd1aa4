import { parseTemplateDefinition, type FieldErrors, type TemplateDefinition, type TemplateField } from '../../plugins/records/services/template-definition.ts';

/** A real 1x1 PNG in base64, as a signature pad's canvas.toDataURL() would hold it. */
export const tinyPngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The parsed definition of a template the test expects to be valid. */
export function definitionOf(input: unknown): TemplateDefinition {
  const parsed = parseTemplateDefinition(input);
  if (!parsed.ok) throw new Error(`expected a valid template, got ${JSON.stringify(parsed.errors)}`);
  return parsed.definition;
}

/** The errors of a template the test expects to be refused. */
export function templateErrorsOf(input: unknown): FieldErrors {
  const parsed = parseTemplateDefinition(input);
  if (parsed.ok) throw new Error('expected the template to be refused');
  return parsed.errors;
}

/** A form template's input around the given fields. */
export function formOf(...fields: unknown[]): Record<string, unknown> {
  return { name: 'Form', kind: 'form', fields };
}

/** Template fields through the real parser, so that a test uses only fields a template can have. */
export function fieldsOf(...fields: unknown[]): TemplateField[] {
  return definitionOf(formOf(...fields)).fields;
}

/**
 * The templates the record pages' tests fill in (integration and browser alike): an inspection form with
 * every kind of control the form draws, a site diary with entry fields, and a five-item measurement round.
 */
export const pageTestTemplates = {
  inspection: {
    name: 'Site inspection', kind: 'form',
    fields: [
      { key: 'site', type: 'text', label: 'Site', required: true },
      { key: 'height', type: 'number', label: 'Height', unit: 'm', min: 0, max: 60 },
      { key: 'condition', type: 'choice', label: 'Condition', options: [{ value: 'good', label: 'Good' }, { value: 'poor', label: 'Poor' }], required: true },
      { key: 'reason', type: 'longtext', label: 'What is wrong', showIf: { field: 'condition', equals: 'poor' } },
      { key: 'railings', type: 'score', label: 'Railings' },
      { key: 'checked_at', type: 'datetime', label: 'Checked at' },
      { key: 'findings', type: 'group', label: 'Findings', fields: [{ key: 'note', type: 'text', label: 'Note', required: true }, { key: 'severity', type: 'choice', label: 'Severity', options: ['low', 'high'] }] },
      { key: 'inspector', type: 'signature', label: 'Inspector', required: true },
    ],
  },
  diary: {
    name: 'Site diary', kind: 'journal',
    fields: [{ key: 'project', type: 'text', label: 'Project', required: true }],
    entryFields: [
      { key: 'weather', type: 'choice', label: 'Weather', options: [{ value: 'sun', label: 'Sunny' }, { value: 'rain', label: 'Rain' }], required: true },
      { key: 'temperature', type: 'number', label: 'Temperature', unit: '°C' },
    ],
  },
  measurement: { name: 'TR round', kind: 'measurement', fields: [1, 2, 3, 4, 5].map((n) => ({ key: `item${n}`, type: 'score', label: `Item ${n}` })) },
} as const;
