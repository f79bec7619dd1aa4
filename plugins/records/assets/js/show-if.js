// Conditional fields: an element with data-show-if-name/data-show-if-equals is shown only while that control
// has that value. Hidden controls keep their values and stay enabled: the server decides what counts.
// Without this script every conditional field is simply shown.
(() => {
  'use strict';

  const conditional = '[data-show-if-name]';

  function controlsNamed(scope, name) {
    if (scope instanceof HTMLFormElement) return Array.from(scope.elements).filter((control) => control.name === name);
    return Array.from(document.getElementsByName(name));
  }

  const isInput = (control, type) => control instanceof HTMLInputElement && control.type === type;

  /** The values a name has now: a checked radio's, a lone checkbox's "true"/"false", a select's or an input's value. */
  function valuesOf(scope, name) {
    const named = controlsNamed(scope, name);
    // A hidden input next to a checkbox of the same name (the "unchecked" default) is not what the person chose.
    const visible = named.filter((control) => !isInput(control, 'hidden'));
    const controls = visible.length ? visible : named;
    const loneCheckbox = controls.filter((control) => isInput(control, 'checkbox')).length === 1;
    const values = new Set();
    for (const control of controls) {
      if (isInput(control, 'radio')) {
        if (control.checked) values.add(control.value);
      } else if (isInput(control, 'checkbox')) {
        if (loneCheckbox) values.add(control.checked ? 'true' : 'false');
        else if (control.checked) values.add(control.value);
      } else if (control instanceof HTMLSelectElement) {
        for (const option of control.selectedOptions) values.add(option.value);
      } else if (typeof control.value === 'string') {
        values.add(control.value);
      }
    }
    return values;
  }

  function evaluate(scope) {
    for (const element of scope.querySelectorAll(conditional)) {
      // Inside a form, only that form's controls count (and a form's conditions are evaluated with the form).
      const form = element.closest('form');
      if (scope !== form && form) continue;
      const shown = valuesOf(form ?? document, element.getAttribute('data-show-if-name') ?? '').has(element.getAttribute('data-show-if-equals') ?? '');
      if (element.hidden === shown) element.hidden = !shown;
    }
  }

  function onChange(event) {
    const target = event.target;
    const form = target instanceof Element ? (target.form ?? target.closest('form')) : null;
    evaluate(form ?? document);
  }

  function start() {
    evaluate(document);
    for (const form of document.forms) evaluate(form);
    document.addEventListener('input', onChange);
    document.addEventListener('change', onChange);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
