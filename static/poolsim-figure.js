/*! poolsim-figure.js — <poolsim-figure clients="2000" pool-size="40" metrics></poolsim-figure>
 * embeds poolsim's live figure in an iframe sized to its content. No dependencies.
 * Protocol and attributes: docs/EMBEDDING.md. */
(function () {
  'use strict';
  if (!window.customElements || customElements.get('poolsim-figure')) return;

  // The site's base URL: this script's own URL without the file name (only known while the
  // script runs, so it is captured now).
  var me = document.currentScript || document.querySelector('script[src*="poolsim-figure"]');
  var BASE = me && me.src ? new URL('.', me.src).href : document.baseURI;
  // Attributes kept for the element itself; everything else becomes a query pair.
  var LOCAL = /^(src|title|class|style|id|height|hidden|slot|lang|dir|tabindex|role|v|embed|data-.*|aria-.*)$/;
  var FLAGS = /^(metrics|paused)$/;
  var live = new Set();
  var count = 0;

  // '40' → 40 when the number prints back the same (a long seed stays a string).
  function value(v) {
    return v !== '' && String(Number(v)) === v ? Number(v) : v;
  }

  class PoolsimFigure extends HTMLElement {
    static get observedAttributes() {
      return ('clients idle-connections pool-size pool-mode cores max-connections max-client-conn ' +
        'reserve-pool-size reserve-pool-timeout-s query-wait-timeout-s think-ms stmt-cpu-ms ' +
        'stmt-cpu-dist stmt-cpu-sigma stmts-per-txn rtt-ms connect auth pg-version arch workload ' +
        'arrival-rate overheads session-state-share pooler-cpu-us work-mem-mb relations-touched ' +
        'shared-buffers-mb huge-pages seed paused').split(' ');
    }

    connectedCallback() {
      live.add(this);
      if (this.iframe) return;
      var q = new URLSearchParams({ v: 1, embed: 1 });
      q.set('id', /^[\w-]{1,64}$/.test(this.id) ? this.id : 'poolsim-' + ++count);
      for (var a of this.attributes) {
        if (!LOCAL.test(a.name)) q.set(a.name.replace(/-/g, '_'), FLAGS.test(a.name) ? '1' : a.value);
      }
      var src = this.getAttribute('src');
      var url = new URL('index.html?' + q, new URL(src ? src.replace(/\/?$/, '/') : BASE, document.baseURI));
      this._origin = url.origin;
      var f = (this.iframe = document.createElement('iframe'));
      f.title = this.getAttribute('title') || 'poolsim: Postgres connections with and without PgBouncer';
      f.loading = 'lazy';
      // Not sandboxed: the page needs scripts, its own origin and popups (its "Open the full
      // explainer" link); a sandbox allowing all three adds little. Styles are set through
      // CSSOM, which a host's Content-Security-Policy allows.
      f.style.cssText = 'width:100%;border:0;display:block';
      // Until the figure reports its height: the compact layout's at most (the full one's taller).
      var full = /^full$/i.test(this.getAttribute('layout') || '');
      f.style.height = (parseInt(this.getAttribute('height'), 10) || (full ? 720 : 560)) + 'px';
      f.src = url.href;
      if (getComputedStyle(this).display === 'inline') this.style.display = 'block';
      // An open shadow root keeps the host page's CSS (`iframe {…}` rules) off the iframe, and
      // hides fallback content written inside the element (a plain link for no-JS readers).
      (this.shadowRoot || this.attachShadow({ mode: 'open' })).appendChild(f);
    }

    disconnectedCallback() {
      live.delete(this);
    }

    attributeChangedCallback(name, old, now) {
      if (!this.iframe || old === now) return;
      if (name === 'paused') this.set({}, now === null);
      else if (now !== null) this.set({ [name.replace(/-/g, '_')]: value(now) });
    }

    // Changes parameters ({clients: 5000, pool_mode: 'session'}) and, if given, play/pause.
    // Before the page says `ready` the changes are kept and sent on `ready`.
    set(params, playing) {
      var p = this._pending || (this._pending = { params: {} });
      Object.assign(p.params, params);
      if (typeof playing === 'boolean') p.playing = playing;
      if (this.hasAttribute('data-ready')) this._flush();
    }

    _flush() {
      var p = this._pending;
      this._pending = null;
      if (p && this.iframe && this.iframe.contentWindow) {
        this.iframe.contentWindow.postMessage(Object.assign({ poolsim: 1, type: 'set' }, p), this._origin);
      }
    }
  }

  // One listener for every embed on the page: a message belongs to the element whose iframe
  // sent it, from the origin that iframe was given.
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (!m || m.poolsim !== 1) return;
    for (var el of live) {
      if (!el.iframe || el.iframe.contentWindow !== e.source || e.origin !== el._origin) continue;
      if (m.type === 'height' && Number.isFinite(m.height)) {
        el.iframe.style.height = Math.round(Math.min(5000, Math.max(100, m.height))) + 'px';
      } else if (m.type === 'ready') {
        el.setAttribute('data-ready', '');
        el._flush();
      } else if (m.type === 'metrics') {
        el.dispatchEvent(new CustomEvent('poolsim-metrics', { detail: m, bubbles: true }));
      }
    }
  });

  customElements.define('poolsim-figure', PoolsimFigure);
})();
