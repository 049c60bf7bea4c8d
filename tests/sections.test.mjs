// Page-level tests of the explanation below the live figure (crates/explain/src/sections), against
// the release build in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useSite, shots } from './support/site.mjs';
import { watchErrors, metric, inkRatio } from './support/browser.mjs';
import { runDone, allRunsDone } from './support/sections-helpers.mjs';
import { loadExplanation, explainRequests } from './support/explanation.mjs';
import { WAIT_MS, pollUntil, animationFrames, waitUntilOffScreen, waitForInk } from './support/wait.mjs';

// Behaviour only: how fast the sections and the sweep are is for the page benchmark
// (tests/bench/page.bench.mjs).

const site = useSite();

// The explanation's loader watches for the reader coming within a screen of it
// (crates/web/src/lazy.rs `LOAD_MARGIN`).
const LOAD_MARGIN = '0px 0px 100% 0px';

async function newPage(viewport = { width: 1280, height: 800 }) {
  const page = await site.browser.newPage({ viewport });
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

async function open(viewport) {
  const page = await newPage(viewport);
  const errors = watchErrors(page);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric]');
  await loadExplanation(page);
  return { page, errors };
}

test('the first load fetches only the figure; the explanation comes when the reader scrolls near it', async () => {
  const page = await newPage();
  const errors = watchErrors(page);
  const seen = explainRequests(page);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric]');
  // A negative check after a positive sign: an observer like the loader's (created after it) has
  // reported the explanation out of reach, so the loader has been told so too and did not load.
  await waitUntilOffScreen(page, '#explanation', { rootMargin: LOAD_MARGIN });
  await animationFrames(page);
  assert.deepEqual(seen, [], 'nothing of the explanation before scrolling');
  assert.equal(await page.getAttribute('#explanation', 'data-state'), 'waiting');
  // The prose is there before the module: prerendered, with each figure's static rendering.
  assert.match(await page.textContent('#connect'), /Reconnecting for each one, it completes/);
  assert.equal(await page.$$eval('#explanation .island-prerendered', (els) => els.length),
    (await prerenderedIds(page)).length, 'static figures');
  await loadExplanation(page);
  // Its loader, glue and wasm, and the dialogs' stylesheet it brings.
  assert.equal(seen.length, 4, seen.join(', '));
  assert.ok(seen.some((p) => /poolsim-explain-dialogs\.css$/.test(p)), 'the dialogs\' stylesheet');
  assert.ok(seen.some((p) => /poolsim-explain-[0-9a-f]{16}_bg\.wasm$/.test(p)), 'hashed wasm name');
  assert.equal(await page.$$eval('#explanation .island-static, #explanation .island-prerendered', (els) => els.length), 0,
    'static figures replaced');
  // One main landmark holds the figure and the explanation alike.
  assert.deepEqual(await page.evaluate(() => [document.querySelectorAll('main').length,
    !!document.querySelector('main .live-figure'), !!document.querySelector('main section.explain')]), [1, true, true]);
  // A preset button in the explanation's module loads into the figure's module.
  await page.click('button[data-preset="fleet"]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('preset') === 'fleet');
  const top = await page.evaluate(() => document.querySelector('.live-figure, .figure').getBoundingClientRect().top);
  assert.ok(Math.abs(top) < 400, `the figure scrolled into view (top ${top})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link to a section loads the explanation at once and lands on that section', async () => {
  const page = await newPage();
  const errors = watchErrors(page);
  await page.goto(site.server.url + '#snapshots', { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('explanation')?.dataset.state === 'loaded');
  // The explanation scrolls there once mounted; its figures may still move the layout.
  const { top } = await pollUntil(
    () => page.evaluate(() => ({ top: document.getElementById('snapshots').getBoundingClientRect().top, address: location.href })),
    ({ top }) => Math.abs(top) < 100, { what: '#snapshots at the top of the screen' });
  assert.ok(Math.abs(top) < 100, `#snapshots at the top of the screen (top ${top})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode and embeds never fetch the explanation', async () => {
  for (const query of ['?v=1&present=1', '?v=1&embed=1']) {
    const page = await newPage();
    const seen = explainRequests(page);
    await page.goto(site.server.url + query, { waitUntil: 'load' });
    await page.waitForSelector('[data-metric]');
    // The positive sign: the app has hidden the explanation (and so set no loader watching it).
    await page.waitForFunction(() => document.getElementById('explanation')?.hidden === true);
    await page.mouse.wheel(0, 20_000);
    // A negative check: a few frames after the scroll, in which a loader would have been told.
    await animationFrames(page, 5);
    assert.deepEqual(seen, [], query);
    assert.equal(await page.getAttribute('#explanation', 'data-state'), 'waiting', query);
    assert.equal(await page.$eval('#explanation', (e) => e.hidden), true, `${query}: hidden`);
    await page.close();
  }
});

// The figures whose static rendering the prerender writes itself instead of rendering their own
// component (crates/explain/src/sections: `Prerender::ByThePrerender` in the registry).
const WRITTEN_BY_THE_PRERENDER = ['presets', 'realism'];

// `read(parsed)` on the built page as the server sends it, parsed by the browser with scripts off
// (the page is minified: attributes unquoted where HTML allows, in any order).
async function readBuiltPage(page, read) {
  const raw = await (await page.request.get(site.server.url)).text();
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  try {
    const parsed = await context.newPage();
    await parsed.setContent(raw, { waitUntil: 'domcontentloaded' });
    return await read(parsed);
  } finally {
    await context.close();
  }
}

// The figures the prerender renders from their own components: every island of the built page but
// those above.
async function prerenderedIds(page) {
  const islands = await readBuiltPage(page, (parsed) =>
    parsed.$$eval('[data-island]', (els) => els.map((e) => e.dataset.island)));
  const ids = islands.filter((id) => !WRITTEN_BY_THE_PRERENDER.includes(id));
  assert.ok(ids.length > 0, 'islands in the built page');
  return ids;
}

// The explanation's sections as the content gives them: each file of content/en but intro.md is
// one, by id, with whether its front matter gives it a table-of-contents entry (`toc:`).
function contentSections() {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'content', 'en');
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'intro.md').map((f) => {
    const front = readFileSync(path.join(dir, f), 'utf8').split('\n---\n')[0];
    return [f.slice(0, -3), /^toc:/m.test(front)];
  }));
}

test('with JavaScript off, every section heading and its prose, with the default numbers, is in the page', async () => {
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.server.url, { waitUntil: 'load' });
  const sections = await page.$$eval('section.explain', (ss) => ss.map((s) => ({
    id: s.id,
    heading: s.querySelector('h2')?.textContent ?? '',
    words: s.innerText.split(/\s+/).filter(Boolean).length,
    visible: s.getBoundingClientRect().height > 0,
    live: [...s.querySelectorAll('[data-live]')].map((e) => [e.dataset.live, e.textContent, e.dataset.value]),
  })));
  // Every section of the content, once (in the outline's order, which only the page says).
  const content = contentSections();
  const ids = sections.map((s) => s.id);
  assert.deepEqual([...ids].sort(), [...content.keys()].sort());
  for (const s of sections) {
    assert.ok(s.visible, `${s.id} is shown`);
    assert.ok(s.heading.length > 5, `${s.id} has a heading`);
    assert.ok(s.words >= 30, `${s.id}: ${s.words} words`);
    for (const [name, text, value] of s.live) {
      assert.ok(text.trim().length > 0, `${s.id}: ${name} has text`);
      if (value !== undefined) assert.ok(Number.isFinite(Number(value)), `${s.id}: ${name} = ${value}`);
    }
  }
  assert.ok(sections.flatMap((s) => s.live).length >= 80, 'live numbers in the prose');
  // Numbered headings, a table of contents whose every link has its section, and the note.
  assert.match(sections[0].heading, /^1\. One process per connection/);
  const toc = await page.$$eval('.toc a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(toc, ids.filter((id) => content.get(id)).map((id) => `#${id}`));
  assert.match(await page.textContent('noscript'), /figures become interactive with JavaScript/);
  await context.close();
});

test('with JavaScript off, every figure shows its default state: its drawing, its numbers, its controls disabled', async () => {
  const context = await site.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-island="theory"] .island-prerendered');
  const figures = await page.$$eval('[data-island]', (els) => els.map((el) => ({
    id: el.dataset.island,
    height: el.getBoundingClientRect().height,
    prerendered: !!el.querySelector('.island-prerendered'),
    text: el.innerText,
    inputs: el.querySelectorAll('input').length,
    enabled: [...el.querySelectorAll('input, button')].filter((i) => !i.matches(':disabled')).length,
    note: el.querySelector('.island-note')?.getBoundingClientRect().height ?? 0,
    prose: Object.fromEntries([...el.closest('section').querySelectorAll('[data-live]')]
      .map((e) => [e.dataset.live, e.textContent])),
  })));
  for (const id of await prerenderedIds(page)) {
    const f = figures.find((f) => f.id === id);
    assert.ok(f?.prerendered, `${id} is prerendered`);
    assert.ok(f.height > 80, `${id} has its figure's size (${f.height} px)`);
    assert.ok(f.inputs > 0 && f.enabled === 0, `${id}: ${f.inputs} controls, all disabled`);
    assert.ok(f.note > 0, `${id}: the note says the controls need JavaScript`);
    assert.doesNotMatch(f.text, /Simulating/, `${id}: its runs are done`);
  }
  // The numbers the figures show are the prose's (both computed at the default state).
  const shows = (id, names) => {
    const f = figures.find((f) => f.id === id);
    for (const name of names) {
      assert.ok(f.prose[name], `${id}: ${name} in the prose`);
      assert.ok(f.text.includes(f.prose[name]), `${id}: ${name} = ${f.prose[name]} in the figure: ${f.text}`);
    }
  };
  shows('memory', ['memory_rss_total', 'memory_private_total']);
  shows('switches', ['switches_cs_direct', 'switches_cs_pooled']);
  shows('migration', ['migration_migrations_direct', 'migration_migrations_pooled']);
  shows('connect', ['connect_tps_persistent', 'connect_tps_reconnect', 'connect_tps_pooled']);
  shows('poolers', ['poolers_p99_direct', 'poolers_p99_pooled']);
  shows('threads', ['threads_memory', 'threads_memory_process', 'threads_tps', 'threads_tps_process', 'threads_p99', 'threads_p99_process']);
  // The sweep's chart as SVG, in the canvas's box: three panels, two series, a dot per client count.
  const sweep = await page.$eval('[data-island="sweep"] svg.sweep-svg-wide', (svg) => ({
    height: svg.getBoundingClientRect().height,
    width: svg.getBoundingClientRect().width,
    dots: svg.querySelectorAll('circle').length,
    titles: [...svg.querySelectorAll('text')].map((t) => t.textContent.trim()),
  }));
  assert.equal(sweep.height, 540);
  assert.ok(sweep.width > 600, `${sweep.width}`);
  assert.equal(sweep.dots, 60);
  for (const title of ['transactions per second', 'p99 latency', 'connection memory']) {
    assert.ok(sweep.titles.includes(title), title);
  }
  assert.equal(await page.$eval('[data-island="sweep"] svg.sweep-svg-narrow', (svg) => svg.getBoundingClientRect().height), 0,
    'one drawing per screen width');
  await context.close();
});

test('with JavaScript on, each figure takes the place of its static rendering at the same size, wide and on a phone', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const page = await newPage(viewport);
    const errors = watchErrors(page);
    await page.goto(site.server.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-metric]');
    // Each figure's own height, without the reserved minimum (measured once per layout).
    const heights = () => page.$$eval('[data-island]', (els) => Object.fromEntries(els.map((el) => {
      el.style.minHeight = '0';
      const h = el.getBoundingClientRect().height;
      el.style.minHeight = '';
      return [el.dataset.island, h];
    })));
    const prerendered = await prerenderedIds(page);
    assert.equal(await page.$$eval('.island-prerendered', (els) => els.length), prerendered.length);
    const before = await heights();
    await loadExplanation(page);
    await allRunsDone(page);
    await page.waitForFunction(() => document.querySelector('[data-metric="sweep_progress"]')?.getAttribute('data-value') === '1',
      null, { timeout: 180_000 });
    const after = await heights();
    for (const id of prerendered) {
      assert.ok(Math.abs(after[id] - before[id]) <= 2,
        `${viewport.width} px: ${id}: ${before[id]} px static, ${after[id]} px live`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('with JavaScript on, the figures compute the numbers the page was prerendered with', async () => {
  const page = await newPage();
  const errors = watchErrors(page);
  const prerendered = new Map(await readBuiltPage(page, (parsed) =>
    parsed.$$eval('[data-live]', (els) => els.map((e) => [e.dataset.live, { value: e.dataset.value, text: e.textContent }]))));
  assert.ok(prerendered.size >= 80, `${prerendered.size} prerendered live values`);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await loadExplanation(page);
  // Every live value written by its figure once its runs (the sweep's included) have finished.
  // (A value a figure writes only when the reader asks for it keeps its prerendered digits: the
  // section 6 test checks that the browser's runs give the same.)
  await page.waitForFunction(() => [...document.querySelectorAll('[data-live]')]
    .every((e) => e.hasAttribute('data-live-written') || e.hasAttribute('data-live-on-demand')),
  null, { timeout: 180_000, polling: 250 });
  assert.ok(await page.$$eval('[data-live-on-demand]', (els) => els.length) <= 8, 'on-demand values are the exception');
  const computed = await page.$$eval('[data-live]', (els) => els.map((e) => [e.dataset.live, e.dataset.value, e.textContent]));
  assert.equal(computed.length, prerendered.size);
  const differ = computed.filter(([name, value, text]) => {
    const p = prerendered.get(name);
    return !p || p.text !== text || p.value !== value;
  }).map(([name, value, text]) => `${name}: prerendered ${JSON.stringify(prerendered.get(name))}, computed ${value} “${text}”`);
  assert.deepEqual(differ, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every section renders, with live numbers and no console errors', async () => {
  const { page, errors } = await open();
  const headings = await page.$$eval('section.explain h2', (hs) => hs.map((h) => h.textContent));
  for (const want of [/One process per connection/, /Memory per backend/, /Context switches/, /CPU migration/,
    /Connecting is expensive/, /GetSnapshotData/, /Why poolers exist/, /pool mode/, /threads/,
    /whole curve/, /queueing theory/, /How realistic/, /Sources/]) {
    assert.ok(headings.some((h) => want.test(h)), `a heading matching ${want} in ${headings.join(' | ')}`);
  }
  await allRunsDone(page);
  const live = await page.$$eval('.explain .live[data-metric]', (els) =>
    els.map((e) => [e.getAttribute('data-metric'), Number(e.getAttribute('data-value'))]));
  assert.ok(live.length >= 40, `${live.length} live numbers`);
  const bad = live.filter(([, v]) => !Number.isFinite(v));
  assert.deepEqual(bad, [], 'every live number has a finite data-value');
  // Every control of the sections has an accessible name starting with its visible label.
  const unnamed = await page.$$eval('.explain input', (inputs) => inputs.filter((i) => {
    if (i.type === 'radio' || i.type === 'checkbox') return !i.closest('label');
    return !(i.labels?.length || i.getAttribute('aria-label'));
  }).map((i) => i.id));
  assert.deepEqual(unnamed, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sweep runs to 100 % with sane results, and another section answers while it runs', async () => {
  const { page, errors } = await open();
  // The sweep is under way…
  await page.waitForFunction(() => {
    const v = document.querySelector('progress[data-metric="sweep_progress"]')?.value;
    return v > 0 && v < 100;
  });
  // …and a control of another section still answers: record the sweep's progress when the live
  // number changes, which must be before the sweep is done.
  const before = await metric(page, 'memory_private_total');
  await page.evaluate((before) => {
    const value = (name) => document.querySelector(`[data-metric="${name}"]`)?.getAttribute('data-value');
    window.__sweepWhenAnswered = null;
    const observer = new MutationObserver(() => {
      if (Number(value('memory_private_total')) !== before) {
        window.__sweepWhenAnswered = Number(value('sweep_progress')) * 100;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-value'] });
  }, before);
  await page.focus('#mem-clients');
  await page.keyboard.press('End');
  await page.waitForFunction(() => window.__sweepWhenAnswered !== null);
  const progressWhenAnswered = await page.evaluate(() => window.__sweepWhenAnswered);
  assert.ok(progressWhenAnswered < 100, `answered at ${progressWhenAnswered} % of the sweep`);
  assert.ok(await metric(page, 'memory_private_total') !== before);
  await page.waitForFunction(() => document.querySelector('progress[data-metric="sweep_progress"]')?.value === 100,
    null, { timeout: 300_000, polling: 100 });
  console.log(`sweep: a key press in section 2 was answered at ${progressWhenAnswered.toFixed(0)} % of the sweep`);
  assert.ok(await metric(page, 'sweep_peak_direct') > 0);
  assert.ok(await metric(page, 'sweep_last_mem_direct') > await metric(page, 'sweep_last_mem_pooled'));
  // The chart has ink.
  const [inked] = await page.evaluate(inkRatio, '.sweep-canvas');
  assert.ok(inked > 0.01, `sweep chart ink ${inked}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('section 6: PostgreSQL 13 completes fewer transactions than 14 and spends more on snapshots, the same seed repeats', async () => {
  const { page, errors } = await open();
  await runDone(page, 'snapshots_run');
  assert.equal(await page.isChecked('#snap-version-13'), true, 'the section starts on PG13');
  const pg13 = await metric(page, 'snapshots_tps');
  const share13 = await metric(page, 'snapshots_snapshot_share');
  await page.click('label[for="snap-version-14"]');
  await page.waitForFunction((v) => Number(document.querySelector('[data-metric="snapshots_tps"]').dataset.value) !== v,
    pg13);
  await runDone(page, 'snapshots_run');
  const pg14 = await metric(page, 'snapshots_tps');
  const share14 = await metric(page, 'snapshots_snapshot_share');
  console.log(`section 6: PG13 ${pg13.toFixed(0)} TPS (snapshots ${(share13 * 100).toFixed(1)} % of CPU), ` +
    `PG14 ${pg14.toFixed(0)} TPS (${(share14 * 100).toFixed(1)} %)`);
  assert.ok(pg13 < pg14, `PG13 ${pg13} < PG14 ${pg14}`);
  assert.ok(share13 > share14);
  await page.click('label[for="snap-version-13"]');
  await page.waitForFunction((v) => Number(document.querySelector('[data-metric="snapshots_tps"]').dataset.value) !== v,
    pg14);
  await runDone(page, 'snapshots_run');
  assert.equal(await metric(page, 'snapshots_tps'), pg13, 'same seed, same result');
  assert.deepEqual(errors, []);
  await page.close();
});

test('section 6 on a 72-vCPU server: PostgreSQL 14 completes about twice what 13 does, the prose follows the runs', async () => {
  const { page, errors } = await open();
  await runDone(page, 'snapshots_run');
  // The prerendered numbers (the model's, natively) before the reader chooses the big server.
  const names = ['snapshots_big_tps_13', 'snapshots_big_tps_14', 'snapshots_big_ratio', 'snapshots_big_share_13'];
  const text = (n) => page.$eval(`[data-live="${n}"]`, (e) => e.textContent);
  const prerendered = await Promise.all(names.map(text));
  const before = await metric(page, 'snapshots_big_ratio');
  await page.locator('#snapshots').scrollIntoViewIfNeeded();
  await page.click('label[for="snap-server-big"]');
  // The caption and the run status change in the same render: then wait for both big runs.
  await page.waitForFunction(() => document.querySelector('#snapshots figcaption')?.textContent.includes('72 vCPUs'));
  await runDone(page, 'snapshots_run', 300_000);
  const ratio = await metric(page, 'snapshots_big_ratio');
  const pg13 = await metric(page, 'snapshots_big_tps_13');
  const pg14 = await metric(page, 'snapshots_big_tps_14');
  console.log(`section 6, 72 vCPUs: PG13 ${pg13.toFixed(0)} TPS, PG14 ${pg14.toFixed(0)} TPS, ${ratio.toFixed(2)}x`);
  assert.ok(ratio > 1.6 && ratio < 2.5, `PG14/PG13 ${ratio}`);
  assert.equal(ratio, before, 'the browser run gives the prerendered digits (same model, same seed)');
  assert.equal(await page.$eval('[data-live="snapshots_big_ratio"]', (e) => e.hasAttribute('data-live-written')), true);
  assert.deepEqual(await Promise.all(names.map(text)), prerendered);
  assert.equal(await page.isVisible('#snap-clients'), false, 'the connections slider is the small server\'s');
  await page.locator('#snapshots').screenshot({ path: path.join(shots, 'snapshots-72vcpu.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('how realistic: the lab against the model, drawn, in words and in tables, at 360 px too', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
    const { page, errors } = await open(viewport);
    await page.waitForFunction(() => document.querySelector('progress[data-metric="realism_progress"]')?.value === 100,
      null, { timeout: 300_000 });
    // One row per lab point in the two tables, each with the model's throughput.
    const rows = await page.$$eval('#realism table.realism-table tbody tr', (trs) => trs.length);
    const models = await page.$$eval('#realism td[data-metric^="realism_tps_"]',
      (tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    assert.equal(models.length, rows);
    assert.ok(rows >= 2 && models.every((v) => v > 0), `${rows} rows, model ${models}`);
    assert.deepEqual(await page.$$eval('#realism table caption', (cs) => cs.length), 2);
    // The words carry the live numbers of both routes.
    for (const name of ['realism_direct_worst', 'realism_pgbouncer_worst', 'realism_checks_passed']) {
      assert.ok(Number.isFinite(await metric(page, name)), name);
    }
    await page.locator('#realism').scrollIntoViewIfNeeded();
    await waitForInk(page, '#realism canvas', 2);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px at ${viewport.width} px`);
    await page.locator('#realism').screenshot({ path: path.join(shots, `realism-${viewport.width}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

// Waits until the realism figure's view of dataset `id` has run the model at every point.
async function realismDone(page, id) {
  await page.waitForFunction((id) => document.querySelector(`progress[data-metric="realism_${id}_progress"]`)?.value === 100,
    id, { timeout: 300_000 });
}

test('how realistic: the 72-vCPU server and the poolers run when chosen, drawn with their verdicts, at 390 px too', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { page, errors } = await open(viewport);
    const view = (id) => `#realism .realism-view[data-dataset="${id}"]`;
    await page.locator('#realism').scrollIntoViewIfNeeded();
    // The lab is chosen first; the other datasets' runs have not started.
    await page.waitForSelector(view('lab'));
    assert.equal(await page.$(view('freund_2020')), null, 'Freund runs only once chosen');
    await page.click('label[for="realism-dataset-freund_2020"]');
    await realismDone(page, 'freund_2020');
    assert.equal(await page.$eval(view('lab'), (e) => e.hidden), true, 'the lab view hidden');
    assert.match(await page.textContent(`${view('freund_2020')} .realism-about`), /Held out/);
    // Both versions measured and modelled at every client count.
    for (const series of ['pg13', 'pg14']) {
      // The last point's row can follow the progress bar's 100 % by a frame.
      await page.waitForFunction(({ sel }) => document.querySelectorAll(sel).length === 9,
        { sel: `${view('freund_2020')} td[data-metric^="realism_freund_2020_tps_${series}_"]` });
      const models = await page.$$eval(`${view('freund_2020')} td[data-metric^="realism_freund_2020_tps_${series}_"]`,
        (tds) => tds.map((td) => Number(td.dataset.value)));
      assert.equal(models.length, 9, series);
      assert.ok(models.every((v) => v > 0), `${series}: ${models}`);
    }
    // PG14 over PG13 in words, and the checks' verdicts, as many as said.
    assert.ok(await metric(page, 'realism_freund_2020_ratio_100') > 1, 'PG14 ahead from 100 clients');
    const verdicts = await page.$$eval(`${view('freund_2020')} .realism-checks li`, (lis) => lis.map((li) => li.dataset.pass));
    assert.ok(verdicts.length >= 4, `${verdicts.length} verdicts`);
    assert.equal(await metric(page, 'realism_freund_2020_checks_passed'), verdicts.filter((v) => v === 'true').length);
    await waitForInk(page, `${view('freund_2020')} canvas`, 1);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px at ${viewport.width} px`);
    await page.locator('#realism').screenshot({ path: path.join(shots, `realism-freund-${viewport.width}.png`) });
    if (viewport.width > 1000) {
      // The choice is a radio group: the arrow keys move it on.
      await page.focus('#realism-dataset-freund_2020');
      await page.keyboard.press('ArrowDown');
      await page.waitForSelector(`${view('tembo_2024')}:not([hidden])`);
      await realismDone(page, 'tembo_2024');
      assert.match(await page.textContent(`${view('tembo_2024')} .realism-about`), /Fitted/);
      const verdicts = await page.$$eval(`${view('tembo_2024')} .realism-checks li`, (lis) => lis.length);
      assert.ok(verdicts >= 3, `${verdicts} verdicts`);
      await waitForInk(page, `${view('tembo_2024')} canvas`, 1);
      await page.locator('#realism').screenshot({ path: path.join(shots, `realism-tembo-${viewport.width}.png`) });
      // Back to the lab: its runs were done, its charts drawn again.
      await page.click('label[for="realism-dataset-lab"]');
      await waitForInk(page, `${view('lab')} canvas`, 2);
      await page.locator('#realism').screenshot({ path: path.join(shots, `realism-lab-${viewport.width}.png`) });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`full-page screenshot at ${width}×${height}, no horizontal overflow`, async () => {
    const { page, errors } = await open({ width, height });
    await allRunsDone(page);
    await page.waitForFunction(() => document.querySelector('progress[data-metric="sweep_progress"]')?.value === 100,
      null, { timeout: 300_000 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    await page.screenshot({ path: path.join(shots, `sections-${width}x${height}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
