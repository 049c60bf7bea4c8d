// Page-level tests of the explanation below the live figure (crates/web/src/sections), against
// the release build in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, shots } from './support/site.mjs';
import { watchErrors, metric } from './support/browser.mjs';
import { LONGTASK_RECORDER, runDone, allRunsDone } from './support/sections-helpers.mjs';
import { loadExplanation, explainRequests } from './support/explanation.mjs';

const site = useSite();

async function open(viewport = { width: 1280, height: 800 }) {
  const page = await site.browser.newPage({ viewport });
  await page.addInitScript(LONGTASK_RECORDER);
  const errors = watchErrors(page);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric]');
  await loadExplanation(page);
  return { page, errors };
}

test('the first load fetches only the figure; the explanation comes when the reader scrolls near it', async () => {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  const seen = explainRequests(page);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric]');
  await page.waitForTimeout(1_000);
  assert.deepEqual(seen, [], 'nothing of the explanation before scrolling');
  assert.equal(await page.getAttribute('#explanation', 'data-state'), 'waiting');
  assert.match(await page.textContent('#explanation'), /loads here as you scroll/);
  await loadExplanation(page);
  assert.equal(seen.length, 3, seen.join(', '));
  assert.ok(seen.some((p) => /poolsim-explain-[0-9a-f]{16}_bg\.wasm$/.test(p)), 'hashed wasm name');
  assert.equal(await page.$$eval('#explanation .explain-pending', (els) => els.length), 0, 'placeholder gone');
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
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(site.server.url + '#snapshots', { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('explanation')?.dataset.state === 'loaded',
    null, { timeout: 30_000 });
  await page.waitForTimeout(500);
  const top = await page.evaluate(() => document.getElementById('snapshots').getBoundingClientRect().top);
  assert.ok(Math.abs(top) < 100, `#snapshots at the top of the screen (top ${top})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode and embeds never fetch the explanation', async () => {
  for (const query of ['?v=1&present=1', '?v=1&embed=1']) {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = explainRequests(page);
    await page.goto(site.server.url + query, { waitUntil: 'load' });
    await page.waitForSelector('[data-metric]');
    await page.mouse.wheel(0, 20_000);
    await page.waitForTimeout(1_000);
    assert.deepEqual(seen, [], query);
    assert.equal(await page.$eval('#explanation', (e) => e.hidden), true, `${query}: hidden`);
    await page.close();
  }
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

test('the sweep runs to 100 % without long tasks and the page stays responsive', async () => {
  const { page, errors } = await open();
  const progress = page.locator('progress[data-metric="sweep_progress"]');
  const t0 = await page.evaluate(() => performance.now());
  // While the sweep runs, a control of another section still answers quickly.
  const before = await metric(page, 's2_private_total');
  const clickAt = await page.evaluate(() => performance.now());
  await page.focus('#mem-clients');
  await page.keyboard.press('End');
  await page.waitForFunction((b) => Number(document.querySelector('[data-metric="s2_private_total"]').dataset.value) !== b, before);
  const answered = await page.evaluate((t) => performance.now() - t, clickAt);
  const midway = Number(await progress.getAttribute('data-value'));
  await page.waitForFunction(() => document.querySelector('progress[data-metric="sweep_progress"]')?.value === 100,
    null, { timeout: 180_000, polling: 100 });
  const t1 = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate(() => window.__longtasks);
  const during = (tasks ?? []).filter((t) => t.start >= t0);
  const worstFrame = Number(await page.getAttribute('[data-metric="sweep_worst_frame_ms"]', 'data-value'));
  console.log(`sweep: ${((t1 - t0) / 1000).toFixed(1)} s to 100 %, progress ${(midway * 100).toFixed(0)} % when a key press ` +
    `was answered in ${answered.toFixed(0)} ms; long tasks during the sweep: ${during.length}` +
    (during.length ? ` (longest ${Math.max(...during.map((t) => t.duration)).toFixed(0)} ms)` : '') +
    `; longest frame of sweep work ${worstFrame.toFixed(1)} ms`);
  assert.ok(tasks !== null, 'the browser reports long tasks');
  assert.deepEqual(during.filter((t) => t.duration > 50), [], 'no task over 50 ms during the sweep');
  assert.ok(answered < 500, `a key press answered in ${answered} ms`);
  assert.ok(await metric(page, 'sweep_peak_direct') > 0);
  assert.ok(await metric(page, 'sweep_last_mem_direct') > await metric(page, 'sweep_last_mem_pooled'));
  // The chart has ink.
  const inked = await page.evaluate(() => {
    const c = document.querySelector('.sweep-canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) n++;
    return n / (d.length / 4);
  });
  assert.ok(inked > 0.01, `sweep chart ink ${inked}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('PostgreSQL 13 has lower throughput than 14 on the idle-heavy case', async () => {
  const { page, errors } = await open();
  await runDone(page, 's6_run');
  assert.equal(await page.isChecked('#snap-version-13'), true, 'the section starts on PG13');
  const pg13 = await metric(page, 's6_tps');
  const share13 = await metric(page, 's6_snapshot_share');
  await page.click('label[for="snap-version-14"]');
  await page.waitForFunction((v) => Number(document.querySelector('[data-metric="s6_tps"]').dataset.value) !== v,
    pg13, { timeout: 60_000 });
  await runDone(page, 's6_run');
  const pg14 = await metric(page, 's6_tps');
  const share14 = await metric(page, 's6_snapshot_share');
  console.log(`idle-heavy case: PG13 ${pg13.toFixed(0)} TPS (snapshots ${(share13 * 100).toFixed(1)} % of CPU), ` +
    `PG14 ${pg14.toFixed(0)} TPS (${(share14 * 100).toFixed(1)} %)`);
  assert.ok(pg13 < pg14, `PG13 ${pg13} < PG14 ${pg14}`);
  assert.ok(share13 > share14);
  await page.click('label[for="snap-version-13"]');
  await page.waitForFunction((v) => Number(document.querySelector('[data-metric="s6_tps"]').dataset.value) !== v,
    pg14, { timeout: 60_000 });
  await runDone(page, 's6_run');
  assert.equal(await metric(page, 's6_tps'), pg13, 'same seed, same result');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`full-page screenshot at ${width}×${height}, no horizontal overflow`, async () => {
    const { page, errors } = await open({ width, height });
    await allRunsDone(page);
    await page.waitForFunction(() => document.querySelector('progress[data-metric="sweep_progress"]')?.value === 100,
      null, { timeout: 180_000 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    await page.screenshot({ path: path.join(shots, `sections-${width}x${height}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}
