import { ownValue } from './plain-values.ts';
import type { TemplateField } from './template-types.ts';

/**
 * The fields of one level (a template's fields, or one group row's) that are shown for that level's
 * data. A field with showIf is shown when its controlling field is shown and holds the value `equals`:
 * a field that follows a hidden one is hidden too, even when the hidden one kept an old value.
 */
export function visibleFields(fields: readonly TemplateField[], data: Record<string, unknown>): TemplateField[] {
  const shown = new Set<string>();
  const visible: TemplateField[] = [];
  for (const field of fields) {
    const rule = field.showIf;
    if (rule && !(shown.has(rule.field) && ownValue(data, rule.field) === rule.equals)) continue;
    shown.add(field.key);
    visible.push(field);
  }
  return visible;
}
