// Repeating groups (findings, measurements...): add rows from the group's <template>, remove rows, and keep
// the rows numbered 0..n-1 in their names and ids so the server reads a plain list. Without this script the
// server's extra blank row is how a row is added.
(() => {
  'use strict';

  const placeholders = /__INDEX__|__NUMBER__/g;
  const hasPlaceholder = /__INDEX__|__NUMBER__/;
  // Attributes holding a list of ids: each id in them is renumbered on its own.
  const idListAttributes = new Set(['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-owns', 'headers']);
  const firstControl = 'input:not([type="hidden"]), select, textarea';

  const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fill = (text, index) => text.replace(placeholders, (placeholder) => String(placeholder === '__INDEX__' ? index : index + 1));
  const partsOf = (name, value) => (idListAttributes.has(name) ? value.split(/\s+/) : [value]);

  /**
   * What the template says about numbering: for each attribute, the values (or ids) that carry the row's
   * number, as a pattern that recognises them in any row and the text to rebuild them from. The server's
   * id scheme is its own business; the template shows it.
   */
  function numberingOf(template, prefix) {
    const numbering = new Map();
    const add = (name, regex, source) => {
      if (!numbering.has(name)) numbering.set(name, []);
      numbering.get(name).push({ regex, source });
    };
    for (const element of template.content.querySelectorAll('*')) {
      for (const { name, value } of element.attributes) {
        for (const part of partsOf(name, value)) {
          if (!hasPlaceholder.test(part)) continue;
          add(name, new RegExp(`^${escapeRegExp(part).replace(placeholders, '\\d+')}$`), part);
        }
      }
    }
    // The contract's own naming, PREFIX.i.KEY, also for conditions on a row's controls.
    const byPrefix = new RegExp(`^${escapeRegExp(prefix)}\\.\\d+(?=\\.|$)`);
    for (const name of ['name', 'data-show-if-name']) add(name, byPrefix, null);
    return numbering;
  }

  function renumberValue(rules, name, value, index, prefix) {
    return partsOf(name, value).map((part) => {
      for (const { regex, source } of rules) {
        if (!regex.test(part)) continue;
        return source === null ? part.replace(regex, `${prefix}.${index}`) : fill(source, index);
      }
      return part;
    }).join(' ');
  }

  function renumberRow(row, index, numbering, prefix) {
    for (const element of [row, ...row.querySelectorAll('*')]) {
      for (const [name, rules] of numbering) {
        const value = element.getAttribute(name);
        if (value === null) continue;
        const renumbered = renumberValue(rules, name, value, index, prefix);
        if (renumbered !== value) element.setAttribute(name, renumbered);
      }
    }
    for (const number of row.querySelectorAll('[data-repeat-number]')) number.textContent = String(index + 1);
  }

  function rowFromTemplate(template, index) {
    const fragment = document.importNode(template.content, true);
    for (const element of fragment.querySelectorAll('*')) {
      for (const attribute of Array.from(element.attributes)) {
        if (hasPlaceholder.test(attribute.value)) element.setAttribute(attribute.name, fill(attribute.value, index));
      }
    }
    const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (hasPlaceholder.test(node.nodeValue)) node.nodeValue = fill(node.nodeValue, index);
    }
    return fragment;
  }

  function enhance(group) {
    const container = group.querySelector('[data-repeat-rows]');
    const template = group.querySelector('template[data-repeat-template]');
    const addButton = group.querySelector('[data-repeat-add]');
    const form = group.closest('form') ?? group.form;
    if (!container || !template) return;
    const prefix = group.getAttribute('data-repeat-prefix') ?? '';
    const min = Number.parseInt(group.getAttribute('data-repeat-min') ?? '', 10) || 0;
    const maxAttribute = Number.parseInt(group.getAttribute('data-repeat-max') ?? '', 10);
    const max = Number.isNaN(maxAttribute) ? Infinity : maxAttribute;
    const numbering = numberingOf(template, prefix);
    const indexOfName = new RegExp(`^${escapeRegExp(prefix)}\\.(\\d+)\\.`);

    const rows = () => Array.from(container.children).filter((child) => child.matches('[data-repeat-row]'));

    function refresh() {
      const count = rows().length;
      if (addButton) addButton.disabled = count >= max;
      for (const row of rows()) {
        for (const remove of row.querySelectorAll('[data-repeat-remove]')) {
          if (remove.closest('[data-repeat-row]') === row) remove.disabled = count <= min;
        }
      }
    }

    // Autosave and conditional fields learn about new or renumbered controls like about any edit.
    const announce = () => form?.dispatchEvent(new Event('input', { bubbles: true }));

    // Widgets inside rows (a signature pad in a group) enhance a row when it is added: kirjuri:row-added.
    function appendRow() {
      const index = rows().length;
      container.append(rowFromTemplate(template, index));
      const row = rows()[index];
      row?.dispatchEvent(new CustomEvent('kirjuri:row-added', { bubbles: true }));
      return row;
    }

    addButton?.addEventListener('click', () => {
      if (rows().length >= max) return;
      const row = appendRow();
      refresh();
      row?.querySelector(firstControl)?.focus();
      announce();
    });

    group.addEventListener('click', (event) => {
      const remove = event.target instanceof Element ? event.target.closest('[data-repeat-remove]') : null;
      const row = remove?.closest('[data-repeat-row]');
      if (!row || row.parentElement !== container || rows().length <= min) return;
      const index = rows().indexOf(row);
      row.remove();
      const later = rows();
      for (let at = index; at < later.length; at += 1) renumberRow(later[at], at, numbering, prefix);
      refresh();
      // Focus the row that took its place (or the one before): a field would pop up the phone's keyboard.
      const next = later[index] ?? later[index - 1];
      if (next) {
        if (!next.hasAttribute('tabindex')) next.setAttribute('tabindex', '-1');
        next.focus();
      } else {
        addButton?.focus();
      }
      announce();
    });

    // Before autosave sets the values it kept, every row those values name must exist.
    form?.addEventListener('kirjuri:before-restore', (event) => {
      const names = Array.isArray(event.detail?.names) ? event.detail.names : [];
      let needed = 0;
      for (const name of names) {
        const match = indexOfName.exec(String(name));
        if (match) needed = Math.max(needed, Number(match[1]) + 1);
      }
      let added = false;
      while (rows().length < Math.min(needed, max)) {
        appendRow();
        added = true;
      }
      if (!added) return;
      refresh();
      announce();
    });

    refresh();
  }

  function enhanceAll() {
    for (const group of document.querySelectorAll('[data-repeat-group]')) {
      try {
        enhance(group);
      } catch (error) {
        console.warn('Kirjuri repeat group:', error);
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhanceAll, { once: true });
  else enhanceAll();
})();
