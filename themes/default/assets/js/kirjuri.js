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
})();
