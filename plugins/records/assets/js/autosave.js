// Autosave: a copy of what is typed into a record form stays on this device, so a dropped connection, a
// closed tab or a flat battery on site loses nothing. Progressive enhancement only: the form works without it.
// Other widgets hear about restored values through ordinary input/change events and 'kirjuri:before-restore'.
(() => {
  'use strict';

  const storagePrefix = 'kirjuri.autosave.';
  const debounceMs = 300;
  const unsavedInputTypes = new Set(['password', 'file', 'submit', 'button', 'reset', 'image']);
  const cannotKeepCopy = 'This device cannot keep a copy of what you type; save often.';

  const twoDigits = (number) => String(number).padStart(2, '0');
  const clockTime = (date, withSeconds) => `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}${withSeconds ? `:${twoDigits(date.getSeconds())}` : ''}`;
  const isoDate = (date) => `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;

  /** "at 14:03", or "at 14:03 on 2025-03-12" when it was not today: a copy can be days old. */
  function whenText(date) {
    const sameDay = isoDate(date) === isoDate(new Date());
    return `at ${clockTime(date, false)}${sameDay ? '' : ` on ${isoDate(date)}`}`;
  }

  // Merely touching localStorage throws where storage is disabled; a tiny write finds a full or read-only one early.
  function openStorage() {
    try {
      const storage = window.localStorage;
      const probe = `${storagePrefix}.probe`;
      storage.setItem(probe, '1');
      storage.removeItem(probe);
      return storage;
    } catch {
      return null;
    }
  }

  function removeEntry(storage, key) {
    try {
      storage?.removeItem(storagePrefix + key);
    } catch {
      // Nothing more can be done about storage that refuses even a removal.
    }
  }

  function readEntry(storage, key) {
    try {
      const entry = JSON.parse(storage.getItem(storagePrefix + key) ?? 'null');
      const valid = entry !== null && typeof entry === 'object' && typeof entry.savedAt === 'string' && !Number.isNaN(Date.parse(entry.savedAt)) && Array.isArray(entry.values)
        && entry.values.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string');
      return valid ? entry : null;
    } catch {
      return null;
    }
  }

  /** The controls whose values are kept: named, not the CSRF token, not secrets or files, not opted out. */
  function savedControls(form) {
    return Array.from(form.elements).filter((control) => {
      if (!control.name || control.name === '_csrf' || control.closest('[data-autosave-skip]')) return false;
      if (control instanceof HTMLInputElement) return !unsavedInputTypes.has(control.type);
      return control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement;
    });
  }

  const isChoice = (control) => control instanceof HTMLInputElement && (control.type === 'checkbox' || control.type === 'radio');

  /** The form's values as it would submit them (in order, repeats kept, unchecked boxes left out). */
  function valuesOf(form) {
    const values = [];
    for (const control of savedControls(form)) {
      if (control instanceof HTMLSelectElement) {
        for (const option of control.selectedOptions) values.push([control.name, option.value]);
      } else if (!isChoice(control) || control.checked) {
        values.push([control.name, control.value]);
      }
    }
    return values;
  }

  function stateOf(control) {
    if (control instanceof HTMLSelectElement) return Array.from(control.options, (option) => option.selected).join();
    return isChoice(control) ? control.checked : control.value;
  }

  /**
   * Sets the form's controls to `values` and returns those that changed. Choices (checkboxes, radios,
   * multiple selects) absent from the values were unchecked when saved; other controls take their name's
   * values in order and are left alone when none is left.
   */
  function applyValues(form, values, untouchable) {
    const byName = new Map();
    for (const [name, value] of values) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(value);
    }
    const controls = savedControls(form).filter((control) => !untouchable.has(control));
    const before = controls.map(stateOf);
    const queues = new Map(Array.from(byName, ([name, list]) => [name, list.slice()]));
    for (const control of controls) {
      const wanted = byName.get(control.name) ?? [];
      if (isChoice(control)) {
        control.checked = wanted.includes(control.value);
      } else if (control instanceof HTMLSelectElement && control.multiple) {
        for (const option of control.options) option.selected = wanted.includes(option.value);
      } else {
        const next = queues.get(control.name)?.shift();
        if (next === undefined) continue;
        if (control instanceof HTMLSelectElement && !Array.from(control.options).some((option) => option.value === next)) continue;
        control.value = next;
      }
    }
    return controls.filter((control, index) => stateOf(control) !== before[index]);
  }

  const sameValues = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  function isNewerThanServer(savedAt, serverSavedAt) {
    const local = Date.parse(savedAt);
    const server = Date.parse(serverSavedAt ?? '');
    return Number.isNaN(server) || local > server;
  }

  function enhance(form, storage) {
    const key = form.dataset.autosaveKey;
    const status = form.querySelector('[data-autosave-status]');
    let timer = 0;
    let started = false;
    let restoring = false;
    let stopped = false;
    let warning = false;
    let baseline = '';
    // Typed before the restore ran (slow scripts on a slow connection): the person's newer input wins.
    const typedEarly = new Set();

    const say = (...content) => {
      warning = false;
      status?.replaceChildren(...content);
    };
    const warnOnce = () => {
      if (warning) return;
      say(cannotKeepCopy);
      warning = true;
    };

    function save() {
      clearTimeout(timer);
      timer = 0;
      if (stopped) return;
      const values = valuesOf(form);
      const now = new Date();
      try {
        if (!storage) throw new Error('no storage');
        storage.setItem(storagePrefix + key, JSON.stringify({ savedAt: now.toISOString(), values }));
      } catch {
        warnOnce();
        return;
      }
      baseline = JSON.stringify(values);
      say(`Saved on this device at ${clockTime(now, true)}.`);
    }

    function scheduleSave(event) {
      if (restoring || stopped) return;
      if (!started) {
        typedEarly.add(event.target);
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(save, debounceMs);
    }

    function discardButton() {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Discard it';
      button.addEventListener('click', () => {
        stopped = true;
        clearTimeout(timer);
        removeEntry(storage, key);
        // Without the reset a browser that restores form state on reload would bring the values back.
        form.reset();
        window.location.reload();
      });
      return button;
    }

    function restore(entry) {
      restoring = true;
      try {
        const names = Array.from(new Set(entry.values.map(([name]) => name)));
        form.dispatchEvent(new CustomEvent('kirjuri:before-restore', { detail: { names } }));
        for (const control of applyValues(form, entry.values, typedEarly)) {
          control.dispatchEvent(new Event('input', { bubbles: true }));
          control.dispatchEvent(new Event('change', { bubbles: true }));
        }
      } finally {
        restoring = false;
      }
      say(`Restored what you typed on this device ${whenText(new Date(entry.savedAt))} that was not saved to the server. `, discardButton());
    }

    function start() {
      if (!storage) warnOnce();
      const entry = storage && readEntry(storage, key);
      if (entry && isNewerThanServer(entry.savedAt, form.dataset.autosaveSavedAt) && !sameValues(entry.values, valuesOf(form))) restore(entry);
      baseline = JSON.stringify(valuesOf(form));
      started = true;
      if (typedEarly.size) timer = setTimeout(save, debounceMs);
    }

    form.addEventListener('input', scheduleSave);
    form.addEventListener('change', scheduleSave);
    // The last chance before the tab is closed or the phone locks: keep anything not yet written.
    window.addEventListener('pagehide', () => guarded(() => {
      if (started && !stopped && (timer || JSON.stringify(valuesOf(form)) !== baseline)) save();
    }));
    return start;
  }

  function guarded(action) {
    try {
      action();
    } catch (error) {
      // Autosave must never break the form it protects; leave a trace for whoever debugs it.
      console.warn('Kirjuri autosave:', error);
    }
  }

  function init(contentLoaded) {
    const storage = openStorage();
    // A page rendered after a successful save names the copies the server now has.
    for (const element of document.querySelectorAll('[data-autosave-clear]')) {
      for (const key of (element.getAttribute('data-autosave-clear') ?? '').split(/\s+/)) if (key) removeEntry(storage, key);
    }
    const starts = [];
    for (const form of document.querySelectorAll('form[data-autosave-key]')) guarded(() => starts.push(enhance(form, storage)));
    if (!starts.length) return;

    // Restore only once the page's other scripts have enhanced their widgets (they may run after this one),
    // so that repeat groups and signature pads hear it: after DOMContentLoaded, or load if that has passed.
    let scheduled = false;
    const scheduleStarts = () => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => starts.forEach((start) => guarded(start)), 0);
    };
    if (contentLoaded || document.readyState === 'complete') scheduleStarts();
    else {
      document.addEventListener('DOMContentLoaded', scheduleStarts, { once: true });
      window.addEventListener('load', scheduleStarts, { once: true });
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => guarded(() => init(true)), { once: true });
  else guarded(() => init(false));
})();
