// A measurement round's result (API.md, "Field types"): the share of observed items found in order,
// the way the Finnish TR and MVR safety indices are computed.
import { visibleFields } from './field-visibility.ts';
import { isPlainObject, ownValue } from './plain-values.ts';
import type { TemplateField } from './template-types.ts';

export interface MeasurementScore {
  inOrder: number;
  notInOrder: number;
  notApplicable: number;
  /** inOrder / (inOrder + notInOrder) x 100, one decimal, null when both are 0 */
  percent: number | null;
}

/**
 * Counts every score field of the data that is shown, those in group rows too; an unanswered item, and
 * one hidden by its condition (an old answer kept from before the condition changed), count as nothing.
 */
export function measurementScore(fields: readonly TemplateField[], data: Record<string, unknown>): MeasurementScore {
  const counts = { inOrder: 0, notInOrder: 0, notApplicable: 0 };
  countLevel(fields, data, counts);
  const observed = counts.inOrder + counts.notInOrder;
  // Rounded from a count of tenths, so that 1 in 8 is 12.5 and not 12.499999.
  const percent = observed === 0 ? null : Math.round((counts.inOrder * 1000) / observed) / 10;
  return { ...counts, percent };
}

function countLevel(fields: readonly TemplateField[], data: Record<string, unknown>, counts: Omit<MeasurementScore, 'percent'>): void {
  for (const field of visibleFields(fields, data)) {
    const value = ownValue(data, field.key);
    if (field.type === 'score') {
      if (value === true) counts.inOrder++;
      else if (value === false) counts.notInOrder++;
      else if (value === null) counts.notApplicable++;
    } else if (field.type === 'group' && Array.isArray(value)) {
      for (const row of value) if (isPlainObject(row)) countLevel(field.fields ?? [], row, counts);
    }
  }
}
