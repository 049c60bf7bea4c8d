// Page-level tests of shareable state, presenter mode and exports, on the release build in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { useSite, openFigure, shots } from './support/site.mjs';
import { metric } from './support/browser.mjs';
import { waitForMetric } from './support/wait.mjs';
import { loadExplanation, explainRequests } from './support/explanation.mjs';

const site = useSite();

const open = (query, options) => openFigure(site, query, options);

const params = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));

// Waits until the address's query has every key/value of `want`.
function addressHas(page, want) {
  return page.waitForFunction((want) => {
    const q = new URLSearchParams(location.search);
    return Object.entries(want).every(([k, v]) => q.get(k) === v);
  }, want);
}

// Waits until presenter mode shows step `n` (1-based).
function onStep(page, n) {
  return page.waitForFunction((n) => document.querySelector('.step-panel')?.dataset.step === n, String(n));
}

// Waits until the field `selector` shows `value`.
function fieldShows(page, selector, value) {
  return page.waitForFunction(([sel, v]) => document.querySelector(sel)?.value === v, [selector, value]);
}

test('a shared link restores its state and the address follows the controls', async () => {
  const { page, errors } = await open('?v=1&clients=5000&pool_size=40&pool_mode=session&seed=42&paused=1');
  assert.equal(await page.inputValue('#clients-number'), '5000');
  assert.equal(await page.inputValue('#pool-size-number'), '40');
  assert.equal(await page.inputValue('select#pool-mode'), 'session');
  assert.equal(await page.inputValue('#seed'), '42');
  assert.match(await page.textContent('.transport button.primary'), /Play/);
  assert.equal(await page.locator('.link-notice').count(), 0, 'a clean link has no notice');
  // Change a control: the query string follows (debounced replaceState, no new history entry).
  const before = await page.evaluate(() => history.length);
  await page.fill('#pool-size-number', '60');
  await page.press('#pool-size-number', 'Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('pool_size') === '60');
  const q = await params(page);
  assert.deepEqual(
    { v: q.v, clients: q.clients, pool_size: q.pool_size, pool_mode: q.pool_mode, seed: q.seed, paused: q.paused },
    { v: '1', clients: '5000', pool_size: '60', pool_mode: 'session', seed: '42', paused: '1' },
  );
  assert.equal(await page.evaluate(() => history.length), before);
  // The link field and "Copy link" give the same address.
  const link = await page.inputValue('.share-link input');
  assert.ok(link.endsWith(await page.evaluate(() => location.search)), link);
  // Reloading it gives the same state.
  await page.goto(link, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  assert.equal(await page.inputValue('#pool-size-number'), '60');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a garbled link is clamped, the page still works, and a dismissible notice says what changed', async () => {
  const hostile = '?v=9&clients=1e12&pool_size=-5&cores=NaN&pool_mode=%E2%82&bogus=%zz&clients=20000000000000000000&seed=abc&step=&'
    + 'x'.repeat(3000) + '=1&%F0%9F%98%80=%00';
  const { page, errors } = await open(hostile);
  const notice = page.locator('.link-notice');
  await notice.waitFor();
  const text = await notice.textContent();
  for (const word of ['clients', 'pool_size', 'cores', 'pool_mode', 'bogus', 'seed', 'version']) {
    assert.ok(text.includes(word), `notice mentions ${word}: ${text}`);
  }
  assert.equal(await page.inputValue('#clients-number'), '20000');
  assert.equal(await page.inputValue('#pool-size-number'), '1');
  await waitForMetric(page, 'sim_time', (t) => t > 0);
  assert.ok((await metric(page, 'memory_private_direct')) > 0, 'the model runs');
  await page.screenshot({ path: path.join(shots, 'link-notice-1280x800.png') });
  await page.click('.link-notice button');
  await notice.waitFor({ state: 'detached' });
  // The address now holds the clean state.
  await page.waitForFunction(() => new URLSearchParams(location.search).get('clients') === '20000');
  const q = await params(page);
  assert.equal(q.v, '1');
  assert.equal(q.bogus, undefined);
  assert.deepEqual(errors, []);
  await page.close();
});

// Presenter mode's step 1 is "clients=200&pool_mode=none" (crates/web/src/presenter.rs STEPS):
// 200 clients straight to Postgres, the pooler off (no pooled side).
async function showsStepOne(page) {
  await onStep(page, 1);
  await fieldShows(page, '#clients-number', '200');
  await page.waitForFunction(() => !document.querySelector('#pooler')?.checked);
  assert.equal(await page.inputValue('#clients-number'), '200');
  assert.equal(await page.isChecked('#pooler'), false, 'step 1 has the pooler off');
  assert.equal(await page.locator('[data-metric="memory_private_pooled"]').count(), 0, 'no pooled side');
}

test('presenter mode: P loads step 1\'s scenario and puts present=1&step=1 in the address', async () => {
  const { page, errors } = await open('?v=1&clients=3000');
  await page.keyboard.press('p');
  await showsStepOne(page);
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('presenting')));
  await addressHas(page, { present: '1', step: '1' });
  const q = await params(page);
  assert.equal(q.clients, '200');
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode: clicker keys pressed back to back each move one step and load its scenario', async () => {
  const { page, errors } = await open();
  // As fast as a clicker (or a nervous presenter) sends them: no wait between the key presses.
  for (const key of ['p', 'PageDown', 'ArrowRight', 'PageDown', 'PageDown', 'PageDown']) {
    await page.keyboard.press(key);
  }
  // Step 6: the idle-heavy PG13 scenario.
  await onStep(page, 6);
  await fieldShows(page, 'select#pg-version', '13');
  await fieldShows(page, '#idle-connections-number', '10000');
  assert.equal(await page.inputValue('select#pg-version'), '13');
  assert.equal(await page.inputValue('#idle-connections-number'), '10000');
  await addressHas(page, { present: '1', step: '6' });
  await page.keyboard.press('PageUp');
  await onStep(page, 5);
  await addressHas(page, { present: '1', step: '5' });
  // The figure's one-line summary shows the step's scenario as soon as its controls do (only
  // the screen-reader copy is throttled): sampled in one go, the two agree.
  await fieldShows(page, '#clients-number', '400');
  const [field, summary] = await page.evaluate(() => [
    document.querySelector('#clients-number').value,
    document.querySelector('[data-metric="summary"]').textContent,
  ]);
  assert.equal(field, '400');
  assert.match(summary, /^400 clients,/, `summary "${summary}" lags the step's scenario`);
  // The step's scenario runs: simulated time moves on after the step change (the address was
  // written after it, so this is the new run's clock).
  const t0 = await metric(page, 'sim_time');
  const t1 = await waitForMetric(page, 'sim_time', (t) => t > t0 + 0.3);
  assert.ok(t1 > t0 + 0.3, 'the model runs in presenter mode');
  await page.screenshot({ path: path.join(shots, 'presenter-1280x800.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode: ? shows the shortcuts, typing into a field does not move the talk, P leaves', async () => {
  const { page, errors } = await open();
  await page.keyboard.press('p');
  await onStep(page, 1);
  await page.keyboard.press('PageDown');
  await onStep(page, 2);
  // Typing into a number field does not move the talk.
  await page.fill('#clients-number', '300');
  await page.press('#clients-number', 'ArrowRight');
  await page.evaluate(() => document.activeElement.blur());
  // Keys are handled in order: once the help that `?` opens is shown, ArrowRight has been too.
  await page.keyboard.press('?');
  await page.waitForSelector('.overlay .shortcuts');
  assert.equal(await page.getAttribute('.step-panel', 'data-step'), '2', 'ArrowRight in a field is typing');
  assert.match(await page.textContent('.overlay'), /PageDown/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('.overlay', { state: 'detached' });
  await page.keyboard.press('p');
  await page.waitForSelector('h1');
  await page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode: a ?present=1 link opens on step 1 with its scenario', async () => {
  const { page, errors } = await open('?v=1&present=1');
  await showsStepOne(page);
  await addressHas(page, { present: '1', step: '1' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode: a link with step=8 opens step 8 with its scenario (the fleet, 10,000 clients)', async () => {
  const { page, errors } = await open('?v=1&present=1&step=8');
  await onStep(page, 8);
  await fieldShows(page, '#clients-number', '10000');
  assert.equal(await page.inputValue('#clients-number'), '10000');
  await addressHas(page, { present: '1', step: '8' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('exports: time-series CSV, chart PNG, and the reproduce kit parse back', async () => {
  const { page, errors } = await open('?v=1&clients=3000&pool_size=30&pool_mode=statement');
  // One sample per 0.2 simulated seconds: by 1.5 s the series has more than five rows.
  await waitForMetric(page, 'sim_time', (t) => t >= 1.5);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('text=Time series (CSV)')]);
  assert.equal(csv.suggestedFilename(), 'poolsim-series.csv');
  const rows = (await readFile(await csv.path(), 'utf8')).trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0], ['t_s', 'memory_private_direct_bytes', 'memory_private_pooled_bytes',
    'context_switches_direct_per_s', 'context_switches_pooled_per_s', 'p99_direct_s', 'p99_pooled_s']);
  assert.ok(rows.length > 5, `${rows.length} rows`);
  for (const r of rows.slice(1)) {
    assert.equal(r.length, 7);
    for (const cell of r) assert.ok(Number.isFinite(Number(cell)), cell);
  }
  assert.ok(Number(rows.at(-1)[1]) > Number(rows.at(-1)[2]), 'direct memory above pooled');

  const [png] = await Promise.all([page.waitForEvent('download'), page.click('.live-chart >> nth=0 >> .chart-save')]);
  assert.equal(png.suggestedFilename(), 'poolsim-memory.png');
  const bytes = await readFile(await png.path());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  await page.click('text=Reproduce for real…');
  const ini = await page.textContent('#repro-pgbouncer');
  const kv = Object.fromEntries(ini.split('\n').map((l) => l.trim())
    .filter((l) => l && !l.startsWith(';') && !l.startsWith('[') && l.includes('='))
    .map((l) => l.split('=').map((s) => s.trim())));
  assert.equal(kv.pool_mode, 'statement');
  assert.equal(kv.default_pool_size, '30');
  const conf = await page.textContent('#repro-postgresql');
  const maxConn = Number(/^max_connections\s*=\s*(\d+)/m.exec(conf)[1]);
  assert.ok(maxConn >= 30, conf);
  assert.match(await page.textContent('#repro-pgbench'), /pgbench .*-c 3000/);
  await page.screenshot({ path: path.join(shots, 'reproduce-1280x800.png') });
  await page.click('.overlay .close');

  await page.click('text=Embed…');
  const iframe = await page.textContent('#embed-iframe');
  assert.match(iframe, /<iframe src="[^"]*embed=1/);
  assert.match(iframe, /<iframe src="[^"]*clients=3000/);
  const element = await page.textContent('#embed-element');
  assert.match(element, /<poolsim-figure[^>]* clients="3000"[^>]* pool-size="30"/);
  assert.match(element, /poolsim-figure\.js/);
  await page.screenshot({ path: path.join(shots, 'embed-dialog-1280x800.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the dialogs come with the second module: focus moves in, Escape closes, focus returns', async () => {
  const { page, errors } = await open('?v=1&clients=1234');
  const fetched = () => page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('poolsim-explain')).length);
  assert.equal(await fetched(), 0, 'not fetched by the first load');
  const seen = explainRequests(page);
  await page.click('[data-opens="reproduce"]');
  await page.waitForSelector('#dialogs .overlay');
  assert.ok(seen.some((p) => p.endsWith('_bg.wasm')), 'the click fetched the module');
  assert.match(await page.textContent('#repro-pgbench'), /-c 1234/, 'the dialog shows the page\'s state');
  await page.waitForFunction(() => document.activeElement?.classList.contains('dialog'));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#dialogs .overlay', { state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.dataset.opens === 'reproduce');
  // The state changed since: the next dialog shows the new one (once the page has it, as its
  // address says).
  await page.fill('#clients-number', '4321');
  await page.press('#clients-number', 'Enter');
  await addressHas(page, { clients: '4321' });
  await page.click('[data-opens="embed"]');
  await page.waitForSelector('#embed-iframe');
  assert.match(await page.textContent('#embed-iframe'), /clients=4321/);
  await page.click('.overlay .close');
  await page.waitForSelector('#dialogs .overlay', { state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sweep downloads as CSV and PNG once it has run', async () => {
  const { page, errors } = await open();
  await loadExplanation(page);
  await page.locator('#sweep').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => Number(document.querySelector('[data-metric="sweep_progress"]')?.dataset.value) >= 1,
    null, { timeout: 60_000 });
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#sweep >> text=Download CSV')]);
  const rows = (await readFile(await csv.path(), 'utf8')).trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0], ['clients', 'throughput_direct_tps', 'throughput_pooled_tps', 'p99_direct_s',
    'p99_pooled_s', 'memory_private_direct_bytes', 'memory_private_pooled_bytes']);
  assert.ok(rows.length >= 6, `${rows.length} rows`);
  const clients = rows.slice(1).map((r) => Number(r[0]));
  assert.deepEqual(clients, [...clients].sort((a, b) => a - b), 'client counts ascend');
  const last = rows.at(-1).map(Number);
  assert.ok(last[5] > last[6], 'direct memory above pooled at the largest client count');
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#sweep .chart-save')]);
  assert.equal(png.suggestedFilename(), 'poolsim-sweep.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('challenges are ticked by the model', async () => {
  const { page, errors } = await open('?v=1&clients=5000&think_ms=1000&speed=max');
  const done = page.locator('[data-challenge="fleet"]');
  await page.waitForFunction(() => document.querySelector('[data-challenge="fleet"]')?.dataset.done === 'true',
    null, { timeout: 30_000 });
  assert.equal(await done.getAttribute('data-done'), 'true');
  assert.equal(await page.getAttribute('[data-challenge="idle_hurts"]', 'data-done'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});
