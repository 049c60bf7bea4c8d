// The blog host page's script. It puts the poolsim iframe of `?src=` in the article column
// (`?width=` px) and sizes it as the host would:
// - with `#?secret=` in the src (WordPress): the iframe gets data-secret and
//   sandbox="allow-scripts", and only {secret, message: 'height', value} messages resize it,
//   clamped to 200–1000 px, as wp-includes/js/wp-embed.js does; `link` messages are recorded;
// - otherwise: poolsim's own `height` messages (protocol v1), from the iframe's origin.
// Every message is recorded in window.__messages for the tests.
'use strict';

window.__messages = [];
const query = new URLSearchParams(location.search);
const src = query.get('src');
const width = Number(query.get('width')) || 720;
document.documentElement.style.setProperty('--column', `${width}px`);

const frame = document.createElement('iframe');
frame.title = 'poolsim: Postgres connections with and without PgBouncer';
frame.height = '560';
const secret = (/#\?secret=([A-Za-z0-9]+)/.exec(src) || [])[1];
if (secret) frame.dataset.secret = secret;
if (query.get('sandbox') === '1') frame.setAttribute('sandbox', 'allow-scripts');
frame.src = src;
const caption = document.createElement('figcaption');
caption.textContent = 'The same clients, direct and through PgBouncer (live).';
document.getElementById('figure').append(frame, caption);

window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow) return;
  const data = event.data;
  window.__messages.push({ origin: event.origin, data });
  if (secret) {
    // wp-embed.js: the secret names the iframe; heights are clamped to 200–1000 px.
    if (!data || data.secret !== secret) return;
    if (data.message === 'height') {
      let height = parseInt(data.value, 10);
      if (height > 1000) height = 1000;
      else if (~~height < 200) height = 200;
      frame.height = height;
    }
  } else if (data && data.poolsim === 1 && data.type === 'height' && Number.isFinite(data.height)
    && event.origin === new URL(src).origin) {
    frame.height = Math.min(5000, Math.max(100, Math.round(data.height)));
  }
});
