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
