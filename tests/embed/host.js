// The embed test host page's own script: it records every poolsim message (window.__messages)
// and every `poolsim-metrics` event (window.__metricsEvents) for the tests, and sizes the plain
// iframe (a) from its `height` messages, as any host page without poolsim-figure.js would.
'use strict';

window.__messages = [];
window.__metricsEvents = [];

// Which embed a message came from: 'plain', or the id of the <poolsim-figure> whose iframe sent it.
function sourceName(source) {
  const plain = document.getElementById('plain');
  if (plain && plain.contentWindow === source) return 'plain';
  for (const el of document.querySelectorAll('poolsim-figure')) {
    if (el.iframe && el.iframe.contentWindow === source) return el.id;
  }
  return null;
}

window.addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || msg.poolsim !== 1) return;
  window.__messages.push({ from: sourceName(event.source), origin: event.origin, type: msg.type, data: msg });
});

// (a) The plain iframe's resize listener: all a host page needs to show the figure without an
// inner scrollbar.
window.addEventListener('message', (event) => {
  const frame = document.getElementById('plain');
  if (!frame || event.source !== frame.contentWindow) return; // only from our iframe
  if (event.origin !== new URL(frame.src).origin) return; // and from poolsim's origin
  const msg = event.data;
  if (!msg || msg.poolsim !== 1 || msg.type !== 'height' || !Number.isFinite(msg.height)) return;
  frame.style.height = Math.min(5000, Math.max(100, Math.round(msg.height))) + 'px';
});

// (b) Live metrics from the custom element, as a host page would show them.
document.addEventListener('poolsim-metrics', (event) => {
  window.__metricsEvents.push({ from: event.target.id, detail: event.detail });
  const pooled = event.detail.pooled;
  const out = document.getElementById(`${event.target.id}-tps`);
  if (out && pooled && Number.isFinite(pooled.throughput_tps)) {
    out.textContent = Math.round(pooled.throughput_tps).toLocaleString('en');
  }
});
