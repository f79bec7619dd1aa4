// Progressive enhancement only: every page works without this file (it is loaded with defer, from 'self').
(() => {
  'use strict';

  // <form data-confirm="Delete this record?">: ask before a destructive submit.
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // On a slow mobile connection a second tap would submit twice.
    if (form.dataset.submitting === 'true') {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = 'true';
    for (const button of form.querySelectorAll('button[type="submit"], button:not([type])')) button.setAttribute('aria-disabled', 'true');
  });

  // Coming back through the history cache must not leave a form locked.
  window.addEventListener('pageshow', () => {
    for (const form of document.querySelectorAll('form[data-submitting]')) {
      delete form.dataset.submitting;
      for (const button of form.querySelectorAll('[aria-disabled="true"]')) button.removeAttribute('aria-disabled');
    }
  });

  // Success and info messages can be dismissed; errors stay until the problem is fixed.
  for (const flash of document.querySelectorAll('.flash--success, .flash--info')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'flash__dismiss';
    button.setAttribute('aria-label', 'Dismiss message');
    button.textContent = '\u00d7';
    button.addEventListener('click', () => {
      flash.remove();
      document.getElementById('main')?.focus();
    });
    flash.append(button);
  }

  // <input data-copy-source readonly>: a link to pass on; focusing selects it whole, a button copies it.
  for (const input of document.querySelectorAll('input[data-copy-source]')) {
    input.addEventListener('focus', () => input.select());
    if (!navigator.clipboard) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button--secondary copy-field__button';
    button.textContent = 'Copy link';
    const status = document.createElement('span');
    status.className = 'copy-field__status';
    status.setAttribute('role', 'status');
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(input.value).then(
        () => { status.textContent = 'Copied.'; },
        () => { input.select(); status.textContent = 'Select the link and copy it.'; },
      );
    });
    input.after(button, status);
  }
})();
