// Record form: tells the server where this browser is, so that date-and-time controls (a wall-clock time
// without a zone) are read in the right zone, and shows the stored times (UTC) in local time.
// Markup contract:
//   <input type="hidden" name="_tzOffset" data-tz-offset>   gets new Date().getTimezoneOffset() (minutes, UTC minus local)
//   <input type="hidden" name="_timeZone" data-time-zone>   gets the IANA time zone, exact across daylight saving
//   <input type="datetime-local" data-utc="2024-05-31T11:30:00.000Z">   shown in local time
//   <p data-utc-note>The time is in UTC.</p>                 hidden once times are local
// Without this script the form works in UTC, and says so.
(() => {
  'use strict';

  const twoDigits = (number) => String(number).padStart(2, '0');

  /** A datetime-local value in local time, with seconds and milliseconds only when the time has them. */
  function localInputOf(date) {
    const text = `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}T${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`
      + `:${twoDigits(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
    return text.replace(/\.000$/, '').replace(/:00$/, '');
  }

  function timeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      return '';
    }
  }

  // Rows a repeat group adds later come from its <template>: their controls are made local there too.
  function localise(root) {
    for (const input of root.querySelectorAll('input[type="datetime-local"][data-utc]')) {
      const time = new Date(input.getAttribute('data-utc') ?? '');
      if (!Number.isNaN(time.getTime())) {
        // The attribute too, so that a form reset (autosave's "Discard it") does not bring the UTC text back.
        input.setAttribute('value', localInputOf(time));
        input.value = localInputOf(time);
      }
      input.removeAttribute('data-utc');
    }
    for (const note of root.querySelectorAll('[data-utc-note]')) note.hidden = true;
  }

  function start() {
    for (const input of document.querySelectorAll('input[data-tz-offset]')) input.value = String(new Date().getTimezoneOffset());
    for (const input of document.querySelectorAll('input[data-time-zone]')) input.value = timeZone();
    localise(document);
    for (const template of document.querySelectorAll('template')) localise(template.content);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
