// Photos and files in the record form: a preview of what was chosen (before anything is sent), a way to
// unchoose each, and a save that shows its upload's progress. Progressive enhancement only: without this
// script the form is a plain multipart form and the browser shows its own progress, if any.
// Markup contract (views/parts/fields.hbs, views/form.hbs):
//   <form data-upload-form>                      the record form (multipart/form-data, _csrf its first field)
//     <div data-upload-field>                    one photo or file field
//       <input type="file" data-upload-input>    its file input
//       <ul data-upload-chosen hidden>           the chosen files are listed here, with previews of photos
//     <div data-upload-progress hidden>          shown while a save with files is sent:
//       <progress data-upload-progress-bar>      its bar,
//       <p data-upload-progress-text>            "Uploading 3.2 of 8.0 MB (40 %)",
//       <p data-upload-progress-status>          and the same for screen readers, in steps (aria-live)
// A save with chosen files goes through XMLHttpRequest (fetch cannot tell upload progress); the page the
// server answers with (the record after the redirect, or the form again with its errors) replaces this one.
// A save without files is left to the browser. Autosave keeps the text, never the chosen files: said here.
(() => {
  'use strict';

  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  const unsavedNote = 'Sent when you save. The copy this device keeps of the form holds the text only, not these files.';

  /** A size as the server's pages say it: steps of 1024, one decimal below 10 ("2.4 MB", "8.0 MB", "12 MB"). */
  function sizeText(bytes) {
    if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${value < 9.95 ? value.toFixed(1) : String(Math.round(value))} ${units[unit]}`;
  }

  /** "3.2 of 8.0 MB": both in the unit of the total, as people compare them. */
  function progressText(loaded, total) {
    let unit = 0;
    let divisor = 1;
    while (total / divisor >= 1024 && unit < units.length - 1) {
      divisor *= 1024;
      unit += 1;
    }
    const shown = (bytes) => (unit === 0 ? String(bytes) : (bytes / divisor).toFixed(1));
    return `${shown(loaded)} of ${shown(total)} ${units[unit]}`;
  }

  // Unchoosing one of several files rebuilds the input's list; without DataTransfer (old browsers) it clears them all.
  function canRebuildFileList() {
    try {
      return typeof DataTransfer === 'function' && new DataTransfer().items !== undefined;
    } catch {
      return false;
    }
  }

  function enhanceInput(input) {
    if (input.dataset.uploadEnhanced === 'true') return;
    input.dataset.uploadEnhanced = 'true';
    const field = input.closest('[data-upload-field]');
    const list = field?.querySelector('[data-upload-chosen]');
    if (!list) return;
    const note = document.createElement('p');
    note.className = 'field__help record-upload__note';
    note.textContent = unsavedNote;
    note.hidden = true;
    list.after(note);
    let previews = [];

    function unchoose(index) {
      const files = Array.from(input.files ?? []);
      if (canRebuildFileList() && files.length > 1) {
        const kept = new DataTransfer();
        files.forEach((file, at) => { if (at !== index) kept.items.add(file); });
        input.files = kept.files;
      } else {
        input.value = '';
      }
      render();
      // Focus stays in the list (the next file's button), or goes back to the input when the list is empty.
      const buttons = list.querySelectorAll('button');
      (buttons[Math.min(index, buttons.length - 1)] ?? input).focus();
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function render() {
      for (const url of previews) URL.revokeObjectURL(url);
      previews = [];
      const files = Array.from(input.files ?? []);
      const items = files.map((file, index) => {
        const item = document.createElement('li');
        item.className = 'record-upload__item record-upload__item--chosen';
        if (file.type.startsWith('image/')) {
          const image = document.createElement('img');
          const url = URL.createObjectURL(file);
          previews.push(url);
          image.className = 'record-upload__thumbnail';
          image.src = url;
          image.alt = `Chosen photo ${file.name}`;
          image.width = 64;
          image.height = 64;
          // A HEIC photo cannot be shown by most browsers: its name is enough.
          image.addEventListener('error', () => image.remove(), { once: true });
          item.append(image);
        }
        const name = document.createElement('span');
        name.className = 'record-upload__name';
        const size = document.createElement('span');
        size.className = 'record-muted';
        size.textContent = sizeText(file.size);
        name.append(`${file.name} `, size);
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'button button--secondary button--small record-upload__unchoose';
        remove.textContent = 'Unchoose';
        remove.setAttribute('aria-label', `Unchoose ${file.name}`);
        remove.addEventListener('click', () => unchoose(index));
        item.append(name, remove);
        return item;
      });
      list.replaceChildren(...items);
      list.hidden = items.length === 0;
      note.hidden = items.length === 0;
    }

    input.addEventListener('change', (event) => {
      // Our own change event after an unchoose has already been drawn.
      if (event.isTrusted) render();
    });
    // A browser that keeps chosen files over a reload or the history cache shows them at once.
    render();
  }

  const chosenFiles = (form) => Array.from(form.querySelectorAll('input[type="file"][data-upload-input]')).flatMap((input) => Array.from(input.files ?? []));

  /** Shows the server's answer in place of this page (its inline style keeps working: this page's CSP nonce is kept). */
  function showPage(html, address) {
    const nonce = document.querySelector('style[nonce]')?.nonce;
    const page = nonce ? html.replace(/(<style\b[^>]*\bnonce=")[^"]*(")/, `$1${nonce}$2`) : html;
    if (address) history.replaceState(null, '', address);
    document.open();
    document.write(page);
    document.close();
  }

  function enhanceForm(form) {
    const panel = form.querySelector('[data-upload-progress]');
    const bar = panel?.querySelector('[data-upload-progress-bar]');
    const text = panel?.querySelector('[data-upload-progress-text]');
    const status = panel?.querySelector('[data-upload-progress-status]');
    let sending = false;

    const keepPage = (event) => {
      event.preventDefault();
      event.returnValue = '';
    };

    function unlock(message) {
      sending = false;
      window.removeEventListener('beforeunload', keepPage);
      delete form.dataset.submitting;
      for (const button of form.querySelectorAll('[aria-disabled="true"]')) button.removeAttribute('aria-disabled');
      if (text) text.textContent = message;
      if (status) status.textContent = message;
      if (bar) bar.hidden = true;
    }

    function send(data, total) {
      sending = true;
      window.addEventListener('beforeunload', keepPage);
      let spokenStep = -1;
      // The body is a little more than the files (the text and the parts' headers): the request's own total is used once known.
      let sent = total;
      const show = (loaded) => {
        const percent = sent > 0 ? Math.min(100, Math.floor((loaded / sent) * 100)) : 0;
        if (bar) {
          bar.hidden = false;
          bar.value = percent;
        }
        if (text) text.textContent = `Uploading ${progressText(Math.min(loaded, sent), sent)} (${percent} %)`;
        // Screen readers hear it in quarters, not at every step of the bar.
        const step = Math.floor(percent / 25);
        if (status && step !== spokenStep) {
          spokenStep = step;
          status.textContent = `Uploading: ${percent} % of ${sizeText(sent)}.`;
        }
      };
      if (panel) panel.hidden = false;
      show(0);
      const request = new XMLHttpRequest();
      request.open('POST', form.action);
      request.setRequestHeader('Accept', 'text/html');
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) sent = event.total;
        show(event.loaded);
      });
      request.upload.addEventListener('load', () => {
        show(sent);
        if (text) text.textContent = `Uploaded ${sizeText(sent)}: saving the record…`;
        if (status) status.textContent = 'Uploaded: saving the record.';
      });
      request.addEventListener('load', () => {
        const type = request.getResponseHeader('Content-Type') ?? '';
        if (!type.startsWith('text/html')) {
          let message = 'The record was not saved: the server gave an answer this page cannot show. Save again.';
          try {
            message = `The record was not saved: ${JSON.parse(request.responseText).error.message}`;
          } catch {
            // The general sentence stays.
          }
          unlock(message);
          return;
        }
        window.removeEventListener('beforeunload', keepPage);
        // After the redirect the answer is the record's page, at its own address; a refused save is the form again, here.
        const redirected = request.responseURL && new URL(request.responseURL).pathname !== new URL(form.action, location.href).pathname;
        showPage(request.responseText, redirected ? request.responseURL : null);
      });
      const failed = () => unlock('The upload did not finish, so nothing was saved: check the connection and save again. What you typed is still here.');
      request.addEventListener('error', failed);
      request.addEventListener('timeout', failed);
      request.addEventListener('abort', failed);
      request.send(data);
    }

    // The pressed button names the action (Save draft, Save, Complete); event.submitter says it where browsers have it.
    let pressed = null;
    form.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[type="submit"]') : null;
      if (button) pressed = button;
    });

    form.addEventListener('submit', (event) => {
      if (event.defaultPrevented) return;
      const files = chosenFiles(form);
      if (files.length === 0 || typeof FormData !== 'function') return;
      event.preventDefault();
      if (sending) return;
      // In the form's own order, so that _csrf comes first; the pressed button is not in FormData(form).
      const data = new FormData(form);
      const submitter = event.submitter ?? pressed;
      if (submitter?.name) data.append(submitter.name, submitter.value);
      send(data, files.reduce((sum, file) => sum + file.size, 0));
    });
  }

  function start() {
    for (const form of document.querySelectorAll('form[data-upload-form]')) {
      enhanceForm(form);
      for (const input of form.querySelectorAll('input[type="file"][data-upload-input]')) enhanceInput(input);
      // A row a repeat group adds has its own photo inputs.
      form.addEventListener('kirjuri:row-added', (event) => {
        for (const input of event.target.querySelectorAll('input[type="file"][data-upload-input]')) enhanceInput(input);
      });
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
