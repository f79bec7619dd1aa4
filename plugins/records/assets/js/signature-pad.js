// Signature pad: draw with a finger, pen or mouse; the drawing goes into the hidden input as a PNG data URL,
// so it is submitted (and autosaved) like any other value. Without this script the field keeps its value.
(() => {
  'use strict';

  // A 600x200 CSS-pixel pad at twice the pixels is sharp on a phone and still a small PNG.
  const maxPixelRatio = 2;
  // Always dark ink on transparency: the PNG ends up on white paper in reports, whatever the screen's colour scheme.
  const ink = '#111827';
  const lineWidth = 2.5;

  const midpoint = (a, b) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

  function enhance(pad) {
    const canvas = pad.querySelector('canvas');
    const input = pad.querySelector('[data-signature-value]');
    const clearButton = pad.querySelector('[data-signature-clear]');
    const existing = pad.querySelector('[data-signature-existing]');
    const context = canvas?.getContext('2d');
    if (!canvas || !input || !context) return;
    // The page must not scroll under the pen, even if the stylesheet did not load.
    canvas.style.touchAction = 'none';
    // Without records.css a canvas's box follows its pixel size, which resize() sets from the box: it would grow
    // without end. A fixed aspect ratio keeps the box independent of the pixels.
    if (getComputedStyle(canvas).aspectRatio === 'auto') Object.assign(canvas.style, { width: '100%', maxWidth: '600px', height: 'auto', aspectRatio: '3 / 1' });

    // Points are kept in fractions of the canvas width (its height follows from a fixed aspect ratio), so the
    // drawing is re-drawn at its place and size after a resize, such as turning the phone.
    let strokes = [];
    let current = null;
    let background = null;
    let cssWidth = 0;
    let ratio = 1;

    const toCanvas = (point) => ({ x: point.x * cssWidth, y: point.y * cssWidth });

    function pointOf(event) {
      const box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left - canvas.clientLeft) / cssWidth, y: (event.clientY - box.top - canvas.clientTop) / cssWidth };
    }

    function startPen() {
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.strokeStyle = ink;
      context.fillStyle = ink;
      context.lineWidth = lineWidth;
      context.lineCap = 'round';
      context.lineJoin = 'round';
    }

    // Quadratic curves through the midpoints of successive points: smooth lines from jittery finger samples.
    function drawSegment(points, index) {
      const from = toCanvas(index > 1 ? midpoint(points[index - 2], points[index - 1]) : points[0]);
      const control = toCanvas(points[index - 1]);
      const to = toCanvas(midpoint(points[index - 1], points[index]));
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.quadraticCurveTo(control.x, control.y, to.x, to.y);
      context.stroke();
    }

    function finishStroke(points) {
      const last = toCanvas(points[points.length - 1]);
      context.beginPath();
      if (points.length === 1) {
        context.arc(last.x, last.y, lineWidth / 2, 0, Math.PI * 2);
        context.fill();
        return;
      }
      const from = toCanvas(midpoint(points[points.length - 2], points[points.length - 1]));
      context.moveTo(from.x, from.y);
      context.lineTo(last.x, last.y);
      context.stroke();
    }

    function redraw() {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      if (!cssWidth) return;
      if (background) context.drawImage(background, 0, 0, canvas.width, canvas.height);
      startPen();
      for (const stroke of strokes) {
        for (let index = 1; index < stroke.length; index += 1) drawSegment(stroke, index);
        finishStroke(stroke);
      }
      if (current) for (let index = 1; index < current.points.length; index += 1) drawSegment(current.points, index);
    }

    function resize() {
      // clientWidth: the drawable box without the border. Zero while the pad is hidden; it is resized when shown.
      const width = canvas.clientWidth;
      const height = canvas.clientHeight;
      if (!width || !height) return;
      ratio = Math.min(window.devicePixelRatio || 1, maxPixelRatio);
      const pixelWidth = Math.round(width * ratio);
      const pixelHeight = Math.round(height * ratio);
      if (cssWidth === width && canvas.width === pixelWidth && canvas.height === pixelHeight) return;
      cssWidth = width;
      // Setting the size empties the canvas: everything kept is drawn again.
      canvas.width = pixelWidth;
      canvas.height = pixelHeight;
      redraw();
    }

    function showExisting(shown) {
      if (existing) existing.hidden = !shown;
    }

    function publish(value) {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }

    function forget() {
      strokes = [];
      current = null;
      background = null;
      redraw();
    }

    /** Shows a stored drawing (a data URL) as the pad's starting point, without publishing it again. */
    function showDrawing(url) {
      if (!url.startsWith('data:image/')) {
        forget();
        showExisting(true);
        return;
      }
      const image = new Image();
      image.addEventListener('load', () => {
        // Someone may have cleared or changed it again while the image decoded.
        if (input.value !== url) return;
        forget();
        background = image;
        redraw();
        showExisting(false);
      });
      image.src = url;
    }

    canvas.addEventListener('pointerdown', (event) => {
      if (current || (event.pointerType === 'mouse' && event.button !== 0)) return;
      event.preventDefault();
      try {
        canvas.setPointerCapture(event.pointerId);
      } catch {
        // An already released pointer cannot be captured; the stroke still works while it stays on the canvas.
      }
      resize();
      current = { id: event.pointerId, points: [pointOf(event)] };
      showExisting(false);
    });

    canvas.addEventListener('pointermove', (event) => {
      if (!current || event.pointerId !== current.id) return;
      event.preventDefault();
      const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
      startPen();
      for (const sample of samples.length ? samples : [event]) {
        current.points.push(pointOf(sample));
        drawSegment(current.points, current.points.length - 1);
      }
    });

    const endStroke = (event) => {
      if (!current || event.pointerId !== current.id) return;
      const { points } = current;
      current = null;
      startPen();
      finishStroke(points);
      strokes.push(points);
      publish(canvas.toDataURL('image/png'));
    };
    canvas.addEventListener('pointerup', endStroke);
    canvas.addEventListener('pointercancel', endStroke);

    clearButton?.addEventListener('click', () => {
      forget();
      showExisting(true);
      publish('');
    });

    // Autosave restores the value and announces it with a change event.
    input.addEventListener('change', () => showDrawing(input.value));

    if (typeof ResizeObserver === 'function') new ResizeObserver(resize).observe(canvas);
    else window.addEventListener('resize', resize);
    resize();
    // A page re-rendered after a refused submit carries the drawing in the input.
    if (input.value) showDrawing(input.value);
  }

  function enhanceAll(root) {
    for (const pad of root.querySelectorAll('[data-signature-pad]')) {
      if (pad.dataset.signatureReady === 'true') continue;
      pad.dataset.signatureReady = 'true';
      try {
        enhance(pad);
      } catch (error) {
        console.warn('Kirjuri signature pad:', error);
      }
    }
  }

  // A row a repeat group adds (a signature in a group) brings new pads.
  document.addEventListener('kirjuri:row-added', (event) => {
    if (event.target instanceof Element) enhanceAll(event.target);
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => enhanceAll(document), { once: true });
  else enhanceAll(document);
})();
