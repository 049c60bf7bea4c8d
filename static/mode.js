// Before the first paint: .js (figures' places kept, www/sections.css); .figure-only for embeds
// and presenter mode. In an embed, WordPress's height/link messages; everywhere, a note instead of
// a blank figure if its module fails to load. Why and how: docs/EMBEDDING.md.
(function () {
  var d = document.documentElement, on = '=(1|true|yes|on)(&|$)', embed = RegExp('[?&]embed' + on, 'i').test(location.search);
  d.classList.add('js');
  if (embed || RegExp('[?&]present' + on, 'i').test(location.search)) d.classList.add('figure-only');
  var p = /[?&]palette=(\w+)/.exec(location.search);
  if (p) d.dataset.palette = p[1].toLowerCase();
  var m = embed && parent !== window && /[#?&]secret=([A-Za-z0-9]{1,64})(&|$)/.exec(location.hash);
  function wp(message, value) {
    parent.postMessage({ secret: m[1], message: message, value: value }, '*');
  }
  if (m) {
    // From the moment the figure (or the note below) is there: WordPress shows the frame at its
    // first height, so an earlier one would make the host's article jump.
    var last = -1, sizes = new ResizeObserver(function () {
      var h = Math.ceil(document.body.scrollHeight);
      if (h !== last && document.querySelector('.live-figure,.load-failed-note')) wp('height', (last = h));
    });
    addEventListener('DOMContentLoaded', function () { sizes.observe(document.body); });
    addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[target=_blank]');
      if (a) {
        e.preventDefault();
        wp('link', a.href);
      }
    });
  }
  var started = false;
  addEventListener('TrunkApplicationStarted', function () { started = true; });
  function failed(e) {
    if (started || d.classList.contains('load-failed') ||
      (e.type === 'error' && !(e.target instanceof HTMLScriptElement || e instanceof ErrorEvent))) return;
    d.classList.add('load-failed');
    var page = new URL(location.href), note = document.createElement('div');
    page.hash = '';
    'embed id controls metrics layout readouts'.split(' ').forEach(function (k) { page.searchParams.delete(k); });
    note.className = 'load-failed-note';
    note.setAttribute('role', 'alert');
    note.style.cssText = 'font:16px/1.5 system-ui,sans-serif;background:Canvas;color:CanvasText;border:1px solid #8888;' +
      'border-radius:10px;padding:.75rem 1rem;max-width:44rem;margin:' + (embed ? '0' : '1rem auto');
    [['strong', 'poolsim: the same clients straight to Postgres and through PgBouncer'],
      ['p', 'This live simulation cannot run here: its script or WebAssembly did not load (in a sandboxed ' +
        'frame, as WordPress makes, the site must send Access-Control-Allow-Origin).'],
      ['a', 'Open the simulation in its own page ↗']].forEach(function (part) {
      var el = note.appendChild(document.createElement(part[0]));
      el.textContent = part[1];
      if (part[0] == 'a') {
        el.href = page.href;
        el.target = '_blank';
      } else el.style.cssText = 'display:block;margin:0 0 .5rem';
    });
    function show() {
      if (embed) {
        document.body.style.margin = 0;
        document.body.replaceChildren(note);
      }
      else (document.getElementById('app') || document.body).prepend(note);
    }
    document.body ? show() : addEventListener('DOMContentLoaded', show);
  }
  addEventListener('error', failed, true);
  addEventListener('unhandledrejection', failed);
})();
