import type { FieldControl } from './field-controls.ts';

/** The box at the top of a refused form: what failed, and a link to each field with its problem. */
export interface ErrorSummary {
  message: string;
  items: Array<{ href: string; text: string }>;
}

/**
 * Lists every error of a form by the label of its field, in the order the fields come, linking each to
 * its control; `others` names controls outside the fields (the title, an entry's text). An error whose
 * control is not on the form still shows, under its name.
 */
export function errorSummary(message: string, errors: Readonly<Record<string, string>>, controls: readonly FieldControl[], others: Record<string, { id: string; label: string }> = {}): ErrorSummary {
  const places = new Map<string, { id: string; label: string }>(Object.entries(others));
  const collect = (list: readonly FieldControl[]): void => {
    for (const control of list) {
      places.set(control.name, { id: control.id, label: control.label });
      for (const row of control.group?.rows ?? []) {
        places.set(`${control.name}.${row.index}`, { id: control.id, label: `${control.label} ${row.number}` });
        collect(row.controls.map((column) => ({ ...column, label: `${control.label} ${row.number}: ${column.label}` })));
      }
    }
  };
  collect(controls);
  const known = [...places].filter(([name]) => Object.hasOwn(errors, name));
  const unknown = Object.keys(errors).filter((name) => !places.has(name));
  return {
    message,
    items: [...known.map(([name, place]) => ({ href: `#${place.id}`, text: `${place.label}: ${errors[name]}` })), ...unknown.map((name) => ({ href: '#main', text: `${name}: ${errors[name]}` }))],
  };
}
