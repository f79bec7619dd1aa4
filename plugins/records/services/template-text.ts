import { characterCount, hasControlCharacters } from './plain-values.ts';
import type { FieldErrors } from './template-types.ts';

/** How parseTemplateText treats one text property of a template. */
export interface TextRule {
  /** The most characters allowed after trimming. */
  max: number;
  /** Whether a missing or blank text is an error ('is required') rather than left out. */
  required?: boolean;
  /** Whether line breaks and other control characters are refused (names, labels, units). */
  oneLine?: boolean;
}

/**
 * Reads one text property of a template: trimmed, a blank one left out (or refused when required), too
 * long or multi-line ones refused at `path`. Returns undefined whenever there is no text to keep.
 */
export function parseTemplateText(value: unknown, path: string, errors: FieldErrors, rule: TextRule): string | undefined {
  if (value === undefined || value === null) {
    if (rule.required) errors[path] = 'is required';
    return undefined;
  }
  if (typeof value !== 'string') {
    errors[path] = 'must be text';
    return undefined;
  }
  const text = value.trim();
  if (text === '') {
    if (rule.required) errors[path] = 'is required';
    return undefined;
  }
  if (characterCount(text) > rule.max) errors[path] = `must be at most ${rule.max} characters`;
  else if (rule.oneLine && hasControlCharacters(text)) errors[path] = 'must be one line, without line breaks or other control characters';
  else return text;
  return undefined;
}
