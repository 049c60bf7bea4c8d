// Page-level tests of shareable state, presenter mode and exports, on the release build in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { useSite, shots } from './support/site.mjs';
import { watchErrors, metric } from './support/browser.mjs';
import { loadExplanation, explainRequests } from './support/explanation.mjs';

const site = useSite();

async function open(query = '', options = {}) {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options });
  const errors = watchErrors(page);
  await page.goto(site.server.url + query, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  return { page, errors };
}

const params = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));

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
  await page.waitForTimeout(1_500);
  assert.ok((await metric(page, 'memory_private_direct')) > 0, 'the model runs');
  await page.screenshot({ path: path.join(shots, 'link-notice-1280x800.png') });
  await page.click('.link-notice button');
  assert.equal(await notice.count(), 0);
  // The address now holds the clean state.
  await page.waitForFunction(() => new URLSearchParams(location.search).get('clients') === '20000');
  const q = await params(page);
  assert.equal(q.v, '1');
  assert.equal(q.bogus, undefined);
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode: P, then clicker keys step through scenarios; ? shows the shortcuts', async () => {
  const { page, errors } = await open();
  await page.keyboard.press('p');
  await page.waitForSelector('.step-panel');
  assert.equal(await page.getAttribute('.step-panel', 'data-step'), '1');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('presenting')));
  assert.equal(await page.inputValue('select#pool-mode'), 'transaction');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  // Step 6: the idle-heavy PG13 scenario.
  await page.waitForFunction(() => document.querySelector('.step-panel')?.dataset.step === '6');
  assert.equal(await page.inputValue('select#pg-version'), '13');
  assert.equal(await page.inputValue('#idle-connections-number'), '5000');
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => document.querySelector('.step-panel')?.dataset.step === '5');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === '5');
  const q = await params(page);
  assert.equal(q.present, '1');
  // The step's scenario runs: simulated time moves on after the step change.
  const t0 = await metric(page, 'sim_time');
  await page.waitForTimeout(1_500);
  assert.ok((await metric(page, 'sim_time')) > t0 + 0.3, 'the model runs in presenter mode');
  await page.screenshot({ path: path.join(shots, 'presenter-1280x800.png') });
  await page.keyboard.press('?');
  await page.waitForSelector('.overlay .shortcuts');
  assert.match(await page.textContent('.overlay'), /PageDown/);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.overlay').count(), 0);
  // Typing into a number field does not move the talk.
  await page.fill('#clients-number', '300');
  await page.press('#clients-number', 'ArrowRight');
  assert.equal(await page.getAttribute('.step-panel', 'data-step'), '5');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('p');
  await page.waitForSelector('h1');
  assert.deepEqual(errors, []);
  await page.close();
  // Opening a presenter link lands on its step.
  const again = await open('?v=1&present=1&step=8');
  assert.equal(await again.page.getAttribute('.step-panel', 'data-step'), '8');
  assert.equal(await again.page.inputValue('#clients-number'), '2000');
  await again.page.close();
});

test('exports: time-series CSV, chart PNG, and the reproduce kit parse back', async () => {
  const { page, errors } = await open('?v=1&clients=3000&pool_size=30&pool_mode=statement');
  await page.waitForTimeout(2_500);
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
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('dialog')), true);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#dialogs .overlay', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.opens), 'reproduce');
  // The state changed since: the next dialog shows the new one.
  await page.fill('#clients-number', '4321');
  await page.press('#clients-number', 'Enter');
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
