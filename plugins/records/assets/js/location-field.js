// Location field: one tap fills latitude, longitude and accuracy from the device's position. The inputs
// stay ordinary fields, so coordinates can always be typed, with or without this script.
(() => {
  'use strict';

  const positionOptions = { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 };

  // GeolocationPositionError codes: 1 permission denied, 2 position unavailable, 3 timeout.
  const errorSentences = {
    1: 'Location is blocked for this site: allow it in the browser\'s settings, or type the coordinates.',
    2: 'Your location could not be found: try again in the open or near a window, or type the coordinates.',
    3: 'Finding your location took too long: try again, or type the coordinates.',
  };
  const otherError = 'Your location could not be found: try again, or type the coordinates.';

  function fill(input, value) {
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function enhance(field) {
    const button = field.querySelector('[data-location-capture]');
    const status = field.querySelector('[data-location-status]');
    if (!button) return;
    const say = (text) => {
      if (status) status.textContent = text;
    };
    if (!navigator.geolocation) {
      button.hidden = true;
      return;
    }
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-busy') === 'true') return;
      button.setAttribute('aria-busy', 'true');
      say('Finding your location…');
      const done = () => button.removeAttribute('aria-busy');
      try {
        navigator.geolocation.getCurrentPosition((position) => {
          done();
          const { latitude, longitude, accuracy } = position.coords;
          fill(field.querySelector('[data-location-lat]'), latitude.toFixed(6));
          fill(field.querySelector('[data-location-lon]'), longitude.toFixed(6));
          fill(field.querySelector('[data-location-accuracy]'), String(Math.round(accuracy)));
          say(`Location captured (±${Math.round(accuracy)} m).`);
        }, (error) => {
          done();
          say(errorSentences[error.code] ?? otherError);
        }, positionOptions);
      } catch {
        done();
        say(otherError);
      }
    });
  }

  function enhanceAll() {
    for (const field of document.querySelectorAll('[data-location-field]')) enhance(field);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhanceAll, { once: true });
  else enhanceAll();
})();
