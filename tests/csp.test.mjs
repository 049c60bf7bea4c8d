// The built site runs under its strict Content-Security-Policy (no inline script, no violation,
// no request off the host) and advertises oEmbed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { useSite, dist } from './support/site.mjs';
import { watchErrors } from './support/browser.mjs';
import { loadExplanation } from './support/explanation.mjs';
import { allRunsDone } from './support/sections-helpers.mjs';
import { WAIT_MS, waitForMetric } from './support/wait.mjs';

const site = useSite();

// xtask/src/site.rs `CSP`.
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'";

// Installed before any page script: records every CSP violation the page reports.
const VIOLATION_RECORDER = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} ` +
      `at ${e.sourceFile}:${e.lineNumber}`);
  });
};

test('dist/index.html has no inline script and carries the policy', async () => {
  // Read as a browser parses it, scripts off: the page is minified (attributes unquoted where HTML
  // allows, in any order).
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'domcontentloaded' });
  const found = await page.evaluate(() => {
    const scripts = [...document.querySelectorAll('script')].map((s) => ({
      type: s.getAttribute('type'),
      src: s.getAttribute('src'),
      integrity: s.getAttribute('integrity'),
      html: s.outerHTML.slice(0, 120),
    }));
    const charset = document.querySelector('meta[charset]');
    const next = charset?.nextElementSibling;
    const csp = next?.matches('meta[http-equiv="Content-Security-Policy"]') ? next.getAttribute('content') : null;
    const oembed = document.querySelector('link[rel="alternate"][type="application/json+oembed"]');
    return { scripts, charset: charset?.getAttribute('charset'), csp, oembed: oembed?.getAttribute('href') ?? null };
  });
  await context.close();
  const { scripts } = found;
  assert.ok(scripts.length > 0, 'the page loads a script');
  // A JSON-LD data block is never executed (the policy does not apply to it): one, the Article.
  const data = scripts.filter((s) => s.type === 'application/ld+json');
  assert.equal(data.length, 1, 'one JSON-LD block');
  for (const script of scripts.filter((s) => !data.includes(s))) assert.ok(script.src, `inline ${script.html}`);
  const init = scripts.filter((s) => /(^|\/)init-[0-9a-f]{16}\.js$/.test(s.src ?? ''));
  assert.equal(init.length, 1, 'one init script');
  assert.match(init[0].integrity ?? '', /^sha384-[A-Za-z0-9+/=]+$/);
  assert.equal(found.charset?.toLowerCase(), 'utf-8');
  assert.ok(found.csp, 'the CSP meta right after <meta charset>');
  assert.equal(found.csp, CSP);
  assert.match(found.oembed ?? '', /oembed\.json$/);
});

// Opens `url` recording CSP violations (events and console messages), requests off 127.0.0.1 and
// errors; waits until the app mounted.
async function openWatched(url) {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(WAIT_MS);
  await page.addInitScript(VIOLATION_RECORDER);
  const errors = watchErrors(page);
  const cspConsole = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) cspConsole.push(msg.text());
  });
  const offHost = [];
  page.on('request', (req) => {
    const { protocol, hostname } = new URL(req.url());
    if (protocol !== 'data:' && protocol !== 'blob:' && hostname !== '127.0.0.1') offHost.push(req.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric]');
  const check = async () => {
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(cspConsole, []);
    assert.deepEqual(offHost, []);
    assert.deepEqual(errors, []);
  };
  return { page, check };
}

test('the app mounts and plays under the policy with no violation and no request off the host', async () => {
  const { page, check } = await openWatched(site.server.url);
  const button = page.locator('.transport button.primary');
  if ((await button.count()) > 0 && (await button.textContent()) !== 'Pause') await button.click();
  // It plays: a simulated second has gone by.
  await waitForMetric(page, 'sim_time', (t) => t >= 1);
  // Chart exports are data: links (not fetched, so not limited by the policy): they still download.
  const save = page.locator('.chart-save').first();
  if ((await save.count()) > 0) {
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    assert.match(download.suggestedFilename(), /\.png$/);
  }
  // The explanation's module, added by the page as a <script type="module">, runs under it too.
  await loadExplanation(page);
  await allRunsDone(page);
  await check();
  await page.close();
});

test('oembed.json is a rich embed of the page in embed mode', async () => {
  const page = await site.browser.newPage();
  const r = await page.request.get(site.server.url + 'oembed.json');
  assert.equal(r.status(), 200);
  const oembed = await r.json();
  assert.equal(oembed.version, '1.0');
  assert.equal(oembed.type, 'rich');
  assert.match(oembed.html, /^<iframe src="[^"]*index\.html\?v=1&amp;embed=1"/);
  assert.ok(oembed.html.includes('embed=1'));
  await page.close();
  // The embedded page runs under the same policy.
  const embedded = await openWatched(site.server.url + 'index.html?v=1&embed=1');
  await waitForMetric(embedded.page, 'sim_time', (t) => t > 0);
  await embedded.check();
  await embedded.page.close();
});
