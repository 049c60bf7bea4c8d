// The compact embed in a blog column and in WordPress's sandboxed iframe (docs/EMBEDDING.md).
// Three servers on three ports, so that every frame is cross-origin to its host:
//   - the site (dist/) with `Access-Control-Allow-Origin: *`, as GitHub Pages sends;
//   - the same site without it;
//   - the host pages, tests/embed/ (blog.html: an article column holding the iframe, sized as
//     WordPress's wp-embed.js or poolsim's own protocol would).
// Screenshots of the compact embed in the blog column go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './support/server.mjs';
import { launch, watchErrors } from './support/browser.mjs';
import { dist, shots } from './support/site.mjs';
import { WAIT_MS, pollUntil, waitForInk } from './support/wait.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const s = {};

before(async () => {
  s.cors = await serve(dist, { cors: true });
  s.plain = await serve(dist);
  s.host = await serve(path.join(here, 'embed'));
  s.browser = await launch();
  await mkdir(shots, { recursive: true });
});

after(async () => {
  await s.browser?.close();
  for (const server of [s.cors, s.plain, s.host]) await server?.close();
});

// The compact embed's height budgets: at most `max` px tall at `width` px wide.
const BUDGETS = [
  { width: 720, max: 560, viewport: { width: 800, height: 900 } },
  { width: 360, max: 760, viewport: { width: 390, height: 900 } },
];

// Opens the blog host page with the iframe of `src` in a column `width` px wide.
async function openBlog(src, { width = 720, sandbox = false, viewport, colorScheme = 'light' } = {}) {
  const page = await s.browser.newPage({ viewport: viewport ?? { width: width + 80, height: 900 }, colorScheme });
  page.setDefaultTimeout(WAIT_MS);
  const errors = watchErrors(page);
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  const q = new URLSearchParams({ src, width: String(width) });
  if (sandbox) q.set('sandbox', '1');
  await page.goto(`${s.host.url}blog.html?${q}`, { waitUntil: 'load' });
  const frame = await pollUntil(() => page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(new URL(src).origin)) ?? null,
    (f) => f !== null, { what: 'the embed frame' });
  return { page, frame, errors };
}

// The messages the host page received from the frame.
function messages(page) {
  return page.evaluate(() => window.__messages.map((m) => ({ origin: m.origin, data: m.data })));
}

// Waits until a readout of the frame shows a number: `[data-metric=name]` with a positive value
// and digits in its text.
function waitForReadout(frame, name) {
  return pollUntil(() => frame.evaluate((name) => {
    const el = document.querySelector(`[data-metric="${name}"]`);
    return el && { value: Number(el.dataset.value), text: el.querySelector('.readout-value')?.textContent ?? '' };
  }, name), (r) => r !== null && r.value > 0 && /\d/.test(r.text), { what: `readout ${name}` });
}

// How the iframe and the document in it measure.
async function sizes(page, frame) {
  const iframe = await page.evaluate(() => document.querySelector('#figure iframe').getBoundingClientRect().toJSON());
  const doc = await frame.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    clientHeight: document.documentElement.clientHeight,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  return { iframe: { width: iframe.width, height: iframe.height }, doc };
}

for (const { width, max, viewport } of BUDGETS) {
  test(`the compact embed at ${width} px wide is at most ${max} px tall, with no inner scrollbar`, async () => {
    const src = `${s.cors.url}index.html?v=1&embed=1&id=c`;
    const { page, frame, errors } = await openBlog(src, { width, viewport });
    await waitForReadout(frame, 'throughput_pooled');
    await waitForInk(frame, '.arch-canvas', 2);
    // Sized: the host applied the embed's last height message and the document fits the iframe.
    const fit = await pollUntil(async () => ({ ...(await sizes(page, frame)),
      message: (await messages(page)).filter((m) => m.data?.type === 'height').at(-1)?.data.height }),
    (f) => f.message !== undefined && Math.abs(f.iframe.height - f.message) <= 1
      && f.doc.scrollHeight <= f.doc.clientHeight, { what: 'the iframe sized to the embed' });
    console.log(`compact embed at ${width} px:`, JSON.stringify(fit));
    assert.equal(fit.iframe.width, width, 'the column gives the iframe its width');
    assert.ok(fit.message <= max, `${fit.message} px tall at ${width} px wide (budget ${max})`);
    assert.ok(fit.doc.scrollHeight <= fit.doc.clientHeight, 'no vertical scrollbar in the frame');
    assert.ok(fit.doc.scrollWidth <= fit.doc.clientWidth, 'no horizontal scrollbar in the frame');
    // The compact card: the key readouts per side, play/pause, the chosen controls, the link.
    const card = await frame.evaluate(() => {
      const visible = (el) => el.getClientRects().length > 0;
      return {
        readouts: [...document.querySelectorAll('.readout')].filter(visible).map((r) => r.dataset.metric),
        controls: [...document.querySelectorAll('.controls input[type=range]')].filter(visible).map((i) => i.id),
        buttons: [...document.querySelectorAll('.transport button')].filter(visible).map((b) => b.textContent.trim()),
        legend: visible(document.querySelector('.legend')),
        link: document.querySelector('.embed-credit a')?.href ?? null,
      };
    });
    assert.deepEqual(card.readouts, [
      'memory_private_direct', 'throughput_direct', 'latency_p99_direct', 'context_switches_direct',
      'memory_private_pooled', 'throughput_pooled', 'latency_p99_pooled', 'context_switches_pooled',
    ]);
    assert.deepEqual(card.controls, ['clients', 'pool-size']);
    assert.deepEqual(card.buttons, ['Pause']);
    assert.ok(card.link && !new URL(card.link).searchParams.has('embed'), `link to the full page: ${card.link}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('readouts= chooses the readouts; layout=full is the whole figure', async () => {
  const src = `${s.cors.url}index.html?v=1&embed=1&readouts=p99,errors&controls=clients`;
  const { page, frame, errors } = await openBlog(src);
  await waitForReadout(frame, 'throughput_pooled').catch(() => {});
  const shown = await frame.evaluate(() => [...document.querySelectorAll('.readout')]
    .filter((el) => el.getClientRects().length > 0).map((r) => r.dataset.metric));
  assert.deepEqual(shown, ['latency_p99_direct', 'errors_direct', 'latency_p99_pooled', 'errors_pooled']);
  await page.close();
  const full = await openBlog(`${s.cors.url}index.html?v=1&embed=1&layout=full`);
  await waitForReadout(full.frame, 'throughput_pooled');
  const view = await full.frame.evaluate(() => ({
    readouts: [...document.querySelectorAll('.readout')].filter((el) => el.getClientRects().length > 0).length,
    slim: !!document.querySelector('.live-figure.slim'),
    seed: !!document.querySelector('#seed'),
  }));
  assert.ok(view.readouts >= 18 && !view.slim && view.seed, JSON.stringify(view));
  assert.deepEqual([...errors, ...full.errors], []);
  await full.page.close();
});

test("in WordPress's sandboxed iframe, with ACAO *, the figure runs and speaks WordPress's protocol", async () => {
  const src = `${s.cors.url}index.html?v=1&embed=1#?secret=abc`;
  const { page, frame, errors } = await openBlog(src, { sandbox: true });
  assert.equal(await page.getAttribute('#figure iframe', 'sandbox'), 'allow-scripts');
  const readout = await waitForReadout(frame, 'throughput_pooled');
  console.log('sandboxed readout:', JSON.stringify(readout));
  assert.equal(await frame.evaluate(() => window.origin), 'null', 'the frame has an opaque origin');
  // WordPress's height messages, the last one applied (clamped to 200–1000) by the host.
  const last = await pollUntil(async () => (await messages(page)).filter((m) => m.data?.secret === 'abc' && m.data.message === 'height').at(-1),
    (m) => m !== undefined && Number(m.data.value) > 200, { what: "WordPress's height message" });
  assert.deepEqual(Object.keys(last.data).sort(), ['message', 'secret', 'value']);
  // The first one already measures the figure, not the page before it rendered.
  const first = (await messages(page)).find((m) => m.data?.secret === 'abc' && m.data.message === 'height');
  assert.ok(first.data.value > 300, `the first height message: ${first.data.value}`);
  assert.ok(Number.isInteger(last.data.value), `an integer height: ${last.data.value}`);
  assert.equal(last.origin, 'null');
  const applied = await pollUntil(() => page.getAttribute('#figure iframe', 'height'),
    (h) => Number(h) === Math.min(1000, Math.max(200, last.data.value)), { what: 'the height applied' });
  assert.ok(Number(applied) <= 560, `compact: ${applied} px at 720 px wide`);
  // Alongside poolsim's own protocol.
  const own = (await messages(page)).filter((m) => m.data?.poolsim === 1).map((m) => m.data.type);
  assert.ok(own.includes('ready') && own.includes('height'), own.join());
  // The sandbox allows no new tab: the full-page link goes to the host as a `link` message.
  await frame.click('.embed-credit a');
  const link = await pollUntil(async () => (await messages(page)).find((m) => m.data?.message === 'link'),
    (m) => m !== undefined, { what: "WordPress's link message" });
  assert.equal(link.data.secret, 'abc');
  const target = new URL(link.data.value);
  assert.equal(target.origin, new URL(s.cors.url).origin);
  assert.ok(!target.searchParams.has('embed') && target.hash === '', link.data.value);
  assert.deepEqual(errors, [], 'no console errors, page errors or failed requests');
  await page.close();
});

test('without Access-Control-Allow-Origin the sandboxed frame shows a static note, not a blank frame', async () => {
  const src = `${s.plain.url}index.html?v=1&embed=1&clients=3000#?secret=xyz`;
  const { page, frame, errors } = await openBlog(src, { sandbox: true });
  const note = await frame.waitForSelector('.load-failed-note');
  const text = await note.textContent();
  console.log('fallback note:', text);
  assert.match(text, /PgBouncer/);
  assert.match(text, /cannot run here/);
  assert.match(text, /Access-Control-Allow-Origin/);
  const href = await frame.getAttribute('.load-failed-note a', 'href');
  const full = new URL(href);
  assert.equal(full.origin, new URL(s.plain.url).origin);
  assert.equal(full.searchParams.get('clients'), '3000', 'the full page keeps the settings');
  assert.ok(!full.searchParams.has('embed'), href);
  // Nothing else is left in the frame, and WordPress is told its height (it shows the frame only then).
  assert.equal(await frame.evaluate(() => document.body.children.length), 1);
  await pollUntil(async () => (await messages(page)).find((m) => m.data?.secret === 'xyz' && m.data.message === 'height'),
    (m) => m !== undefined && m.data.value > 0, { what: "WordPress's height message" });
  // The frame's console is watched (so the test above, which finds no error there, could fail):
  // it says why the module did not load.
  assert.ok(errors.some((e) => e.startsWith('console:') && /init-.*CORS/.test(e)), `the module was blocked: ${errors.join(' | ')}`);
  await page.screenshot({ path: path.join(shots, 'embed-sandbox-fallback.png') });
  await page.close();
});

test('the full page that cannot load its module keeps its prerendered text, with the note above it', async () => {
  const { page, frame } = await openBlog(`${s.plain.url}index.html?v=1&clients=3000`, { sandbox: true });
  const note = await frame.waitForSelector('#app > .load-failed-note');
  assert.match(await note.textContent(), /cannot run here/);
  const after = await frame.evaluate(() => ({
    first: document.querySelector('#app').firstElementChild.className,
    explanation: document.querySelector('#explanation')?.textContent.length ?? 0,
  }));
  assert.equal(after.first, 'load-failed-note');
  assert.ok(after.explanation > 10_000, `the prerendered explanation stays (${after.explanation} characters)`);
  await page.close();
});

test('screenshots of the compact embed in a blog column (720 px light and dark, 360 px)', async () => {
  for (const [name, width, colorScheme, viewport] of [
    ['embed-blog-720.png', 720, 'light'],
    ['embed-blog-720-dark.png', 720, 'dark'],
    ['embed-blog-360.png', 360, 'light', { width: 390, height: 1100 }],
  ]) {
    const src = `${s.cors.url}index.html?v=1&embed=1&clients=3000&pool_size=40`;
    const { page, frame, errors } = await openBlog(src, { width, colorScheme, viewport: viewport ?? { width: 880, height: 1200 } });
    await waitForReadout(frame, 'latency_p99_pooled');
    await waitForInk(frame, '.arch-canvas', 2);
    await pollUntil(async () => (await sizes(page, frame)).doc, (d) => d.scrollHeight <= d.clientHeight, { what: 'sized' });
    await page.screenshot({ path: path.join(shots, name), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});
