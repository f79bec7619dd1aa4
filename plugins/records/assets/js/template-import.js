// The template import form: a file picker that reads the chosen .json file into the form's text box, so
// that the form still posts plain text (the page works without this script: paste the text instead).
(() => {
  'use strict';

  for (const form of document.querySelectorAll('form[data-template-import]')) {
    const picker = form.querySelector('[data-import-picker]');
    const input = picker?.querySelector('input[type="file"]');
    const text = form.querySelector('textarea[name="file"]');
    if (!picker || !input || !text) continue;
    picker.hidden = false;
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) return;
      file.text().then((content) => {
        text.value = content;
      }, () => {
        text.value = '';
        window.alert('The file could not be read. Choose it again, or paste its text below.');
      });
    });
  }
})();
