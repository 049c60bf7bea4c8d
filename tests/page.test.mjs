// Page-level tests of the release build in dist/ (run `cargo xtask test`, which builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, shots } from './support/site.mjs';
import { watchErrors, metric } from './support/browser.mjs';
import { WAIT_MS, pollUntil, waitForMetric, waitForInk, animationFrames, waitUntilOffScreen } from './support/wait.mjs';

// These tests check behaviour only; how fast the page is, is measured by the page benchmark
// (tests/bench/page.bench.mjs). Every wait is for a condition, with a generous time-out.

const site = useSite();
// The canvases of the live figure and of the memory chart (the explanation below has its own).
const FIGURE_CANVASES = '.live-figure canvas, .memory-figure canvas';
const PLAY_BUTTON = '.transport button.primary';
// Simulated seconds each pool mode runs before its errors are read.
const SIM_S_PER_MODE = 2;
// Simulated seconds of the 10,000-client run before p99 and memory are compared.
const SIM_S_10000 = 10;
// Animation frames watched for a step that must not happen (the figure off screen).
const OFF_SCREEN_FRAMES = 30;

async function open(options = {}, query = '') {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 }, ...options });
  page.setDefaultTimeout(WAIT_MS);
  const errors = watchErrors(page);
  await page.goto(site.server.url + query, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  return { page, errors };
}

// Waits until the transport button says `label` ('Play' when paused, 'Pause' when playing).
function transportSays(page, label) {
  return page.waitForFunction(([sel, label]) => document.querySelector(sel)?.textContent.trim() === label,
    [PLAY_BUTTON, label]);
}

async function pause(page) {
  const button = page.locator(PLAY_BUTTON);
  if ((await button.textContent()).trim() === 'Pause') await button.click();
  await transportSays(page, 'Play');
}

async function play(page) {
  const button = page.locator(PLAY_BUTTON);
  if ((await button.textContent()).trim() === 'Play') await button.click();
  await transportSays(page, 'Pause');
}

// In the page: backing-store width over CSS width of every canvas matching `selector`.
const backingRatios = (selector) =>
  [...document.querySelectorAll(selector)].map((c) => c.width / c.getBoundingClientRect().width);

test('the page loads with no console errors, drawn canvases and a first view that tells the story', async () => {
  const { page, errors } = await open();
  assert.match(await page.textContent('h1'), /connection pooler/);
  // Two architecture views, three live charts, the memory chart: all drawn.
  const inks = await waitForInk(page, FIGURE_CANVASES, 6);
  for (const [i, ink] of inks.entries()) assert.ok(ink > 0.01, `canvas ${i} ink ratio ${ink}`);
  // Crisp on HiDPI: the backing store follows devicePixelRatio (1 here).
  for (const ratio of await page.evaluate(backingRatios, FIGURE_CANVASES)) {
    assert.ok(Math.abs(ratio - 1) < 0.02, `backing/CSS ${ratio}`);
  }
  // Untouched, after two simulated seconds, the pooled side already wins on memory.
  await waitForMetric(page, 'sim_time', (t) => t >= 2);
  const direct = await metric(page, 'memory_private_direct');
  const pooled = await metric(page, 'memory_private_pooled');
  assert.ok(pooled * 5 < direct, `pooled ${pooled} vs direct ${direct}`);
  await page.screenshot({ path: path.join(shots, 'live-1280x800.png') });
  await page.screenshot({ path: path.join(shots, 'live-1280x800-full.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the canvases are drawn at devicePixelRatio 2', async () => {
  const { page, errors } = await open({ deviceScaleFactor: 2 });
  // The canvases size their backing store once laid out: wait for all six to have done so.
  const ratios = await pollUntil(() => page.evaluate(backingRatios, FIGURE_CANVASES),
    (rs) => rs.length === 6 && rs.every((r) => Math.abs(r - 2) < 0.02), { what: 'backing/CSS ratios' });
  for (const r of ratios) assert.ok(Math.abs(r - 2) < 0.02, `backing/CSS ${r}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('dragging Clients with the mouse: direct memory grows, pooled memory stays bounded by the pool', async () => {
  const { page, errors } = await open();
  await pause(page);
  const slider = page.locator('input#clients');
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  // "… all connected" answers at once; the live figure follows as the model connects clients.
  const before = await metric(page, 'memory_steady_direct');
  const liveBefore = await metric(page, 'memory_private_direct');
  const pooledBefore = await metric(page, 'memory_steady_pooled');
  const startX = box.x + box.width * 0.7;
  await page.mouse.move(startX, y);
  await page.mouse.down();
  for (let i = 1; i <= 3; i++) await page.mouse.move(startX + (box.width * 0.28 * i) / 5, y);
  // Readouts update during the drag (on input, not on release): the button is still down.
  const mid = await waitForMetric(page, 'memory_steady_direct', (v) => v !== before);
  assert.ok(mid > before, `mid-drag ${mid} vs before ${before}`);
  for (let i = 4; i <= 5; i++) await page.mouse.move(startX + (box.width * 0.28 * i) / 5, y);
  await page.mouse.up();
  // Pending moves are dispatched and rendered before the next frames run: the final position.
  await animationFrames(page);
  const right = await waitForMetric(page, 'memory_steady_direct', (v) => v > before * 2);
  const pooledRight = await metric(page, 'memory_steady_pooled');
  assert.ok(right > before * 2, `drag right: ${before} -> ${right}`);
  // Only PgBouncer's ~2 kB per client is added on the pooled side.
  const clients = Number(await page.inputValue('#clients-number'));
  assert.ok(pooledRight - pooledBefore < clients * 10_000, `pooled ${pooledBefore} -> ${pooledRight}`);
  assert.ok(pooledRight * 20 < right, `pooled ${pooledRight} vs direct ${right}`);
  // Running, the model connects the new clients: live direct memory grows.
  await play(page);
  const liveAfter = await waitForMetric(page, 'memory_private_direct', (v) => v > liveBefore);
  assert.ok(liveAfter > liveBefore, `live direct memory ${liveBefore} -> ${liveAfter}`);
  await pause(page);

  // Running may have moved the slider on the page (the clock's pace line, for one), so each
  // pointer position is taken from the slider's box at the moment of the move (hover scrolls it
  // into view and waits until it is stable).
  await animationFrames(page);
  const at = async (fraction) => {
    const { width, height } = await slider.boundingBox();
    await slider.hover({ position: { x: width * fraction, y: height / 2 } });
  };
  await at(0.9);
  await page.mouse.down();
  for (const fraction of [0.7, 0.5, 0.3, 0.1]) await at(fraction);
  await page.mouse.up();
  const left = await waitForMetric(page, 'memory_steady_direct', (v) => v < right);
  assert.ok(left < right, `drag left: ${right} -> ${left}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Pool size by mouse and keyboard moves pooled memory, and not direct memory', async () => {
  const { page, errors } = await open();
  await pause(page);
  const direct = await metric(page, 'memory_steady_direct');
  const pooled = await metric(page, 'memory_steady_pooled');
  await page.focus('input#pool-size');
  await page.keyboard.press('ArrowRight');
  const up = await waitForMetric(page, 'memory_steady_pooled', (v) => v !== pooled);
  assert.ok(up > pooled, `ArrowRight: ${pooled} -> ${up}`);
  await page.keyboard.press('End');
  const end = await waitForMetric(page, 'memory_steady_pooled', (v) => v !== up);
  assert.ok(end > up, `End: ${up} -> ${end}`);
  assert.match(await page.getAttribute('input#pool-size', 'aria-valuetext'), /^1,000 server connections$/);
  const box = await page.locator('input#pool-size').boundingBox();
  await page.mouse.click(box.x + 4, box.y + box.height / 2);
  const left = await waitForMetric(page, 'memory_steady_pooled', (v) => v !== end);
  assert.ok(left < end, `click at the left end: ${end} -> ${left}`);
  // Rendered together with the pooled readout just read.
  assert.equal(await metric(page, 'memory_steady_direct'), direct, 'direct memory does not depend on the pool');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the keyboard moves the Clients slider and the readout follows', async () => {
  const { page, errors } = await open();
  await page.focus('input#clients');
  const before = await metric(page, 'memory_steady_direct');
  await page.keyboard.press('ArrowRight');
  const up = await waitForMetric(page, 'memory_steady_direct', (v) => v !== before);
  assert.ok(up > before, `ArrowRight: ${before} -> ${up}`);
  await page.keyboard.press('Home');
  const home = await waitForMetric(page, 'memory_steady_direct', (v) => v !== up);
  assert.ok(home < before, `Home: ${up} -> ${home}`);
  assert.equal(await page.inputValue('input#clients'), '0');
  // At the minimum, ArrowLeft changes nothing. A negative check: the slider stays at 0 (the
  // browser fires no input event), and two frames later nothing has been rendered either.
  await page.keyboard.press('ArrowLeft');
  await animationFrames(page);
  assert.equal(await page.inputValue('input#clients'), '0');
  assert.equal(await metric(page, 'memory_steady_direct'), home, 'Home is the minimum');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('input#clients').getAttribute('aria-valuetext') === '20,000 clients');
  const end = await waitForMetric(page, 'memory_steady_direct', (v) => v !== home);
  assert.ok(end > up, `End: ${home} -> ${end}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a typed out-of-range value is clamped and the clamping is said', async () => {
  const { page, errors } = await open();
  await page.fill('#clients-number', '999999');
  await page.press('#clients-number', 'Enter');
  await page.waitForSelector('.notice');
  assert.match(await page.textContent('.notice'), /using 20,000/);
  assert.equal(await page.inputValue('#clients-number'), '20000');
  await pause(page);
  const pooled = await metric(page, 'memory_steady_pooled');
  await page.fill('#pool-size-number', 'abc');
  await page.press('#pool-size-number', 'Enter');
  await page.waitForSelector('#pool-size-help .notice');
  assert.match(await page.textContent('#pool-size-help .notice'), /not a number/);
  // The notice is rendered by the same change: the readout has already had its chance to move.
  assert.equal(await metric(page, 'memory_steady_pooled'), pooled, 'garbage keeps the value');
  // The seed: typed, or drawn from the browser's crypto source.
  await page.fill('#seed', '12345');
  await page.press('#seed', 'Enter');
  assert.equal(await page.inputValue('#seed'), '12345');
  await page.click('button:has-text("New seed")');
  await page.waitForFunction(() => document.querySelector('#seed').value !== '12345');
  assert.match(await page.inputValue('#seed'), /^\d+$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pool modes: session-state clients get errors in transaction and statement mode, not in session mode', async () => {
  // Paused, so that each mode's fresh run is known to start from 0.
  const { page, errors } = await open({}, '?v=1&paused=1');
  await page.fill('#session-state-number', '10');
  await page.press('#session-state-number', 'Enter');
  const figures = {};
  for (const mode of ['session', 'transaction', 'statement']) {
    await page.selectOption('#pool-mode', mode);
    await page.waitForFunction((mode) => document.querySelector('.console tbody td:last-child')?.textContent === mode, mode);
    await page.click('.transport button:has-text("Reset")');
    await waitForMetric(page, 'sim_time', (t) => t === 0);
    await play(page);
    await waitForMetric(page, 'sim_time', (t) => t >= SIM_S_PER_MODE);
    await pause(page);
    figures[mode] = {
      sim_time: await metric(page, 'sim_time'),
      errors: await metric(page, 'errors_pooled'),
      p99: await metric(page, 'latency_p99_pooled'),
      tps: await metric(page, 'throughput_pooled'),
    };
  }
  console.log('pool modes:', JSON.stringify(figures));
  assert.equal(figures.session.errors, 0, 'no mode errors in session mode');
  assert.ok(figures.transaction.errors > 0, 'transaction mode breaks session state');
  assert.ok(figures.statement.errors > 0, 'statement mode breaks session state');
  assert.ok((await page.locator('.errors li').count()) > 0, 'errors are listed by reason');
  assert.deepEqual(errors, []);
  await page.close();
});

test('10,000 clients: the pool beats direct on p99 and on memory', async () => {
  // At the fastest speed, so the run gets there sooner; what is compared is simulated time.
  const { page, errors } = await open({}, '?v=1&clients=10000&speed=max');
  assert.equal(await page.inputValue('#clients-number'), '10000');
  const simTime = await waitForMetric(page, 'sim_time', (t) => t >= SIM_S_10000, { timeout: 180_000 });
  await pause(page);
  const figures = {
    sim_time_s: await metric(page, 'sim_time'),
    p99_direct_s: await metric(page, 'latency_p99_direct'),
    p99_pooled_s: await metric(page, 'latency_p99_pooled'),
    tps_direct: await metric(page, 'throughput_direct'),
    tps_pooled: await metric(page, 'throughput_pooled'),
    cs_direct: await metric(page, 'context_switches_direct'),
    cs_pooled: await metric(page, 'context_switches_pooled'),
    memory_direct: await metric(page, 'memory_private_direct'),
    memory_pooled: await metric(page, 'memory_private_pooled'),
  };
  console.log('10,000 clients:', JSON.stringify(figures, null, 1));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'live-10000-clients-1280x800.png') });
  assert.ok(simTime >= SIM_S_10000, `the model advanced (${simTime} s)`);
  assert.ok(figures.p99_pooled_s < figures.p99_direct_s, `p99 pooled ${figures.p99_pooled_s} vs direct ${figures.p99_direct_s}`);
  assert.ok(figures.memory_pooled < figures.memory_direct / 10, `memory pooled ${figures.memory_pooled} vs direct ${figures.memory_direct}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('reduced motion and dark mode: numbers still update, canvases follow the scheme', async () => {
  const { page, errors } = await open({ reducedMotion: 'reduce', colorScheme: 'dark' });
  const t0 = await metric(page, 'sim_time');
  const t1 = await waitForMetric(page, 'sim_time', (t) => t > t0);
  assert.ok(t1 > t0, 'the model still runs');
  await waitForInk(page, 'canvas.arch-canvas', 2);
  const background = await page.evaluate(() => {
    const c = document.querySelector('canvas.arch-canvas');
    const [r, g, b] = c.getContext('2d').getImageData(1, 1, 1, 1).data;
    return r + g + b;
  });
  assert.ok(background < 200, `dark canvas background (sum ${background})`);
  await page.screenshot({ path: path.join(shots, 'live-dark-1280x800.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('stepping pauses while the figure is off screen', async () => {
  const { page, errors } = await open();
  await waitForMetric(page, 'sim_time', (t) => t > 0);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  // The positive sign: the figure's visibility observer has been told it is off screen; a frame
  // later the last figures published before that are rendered.
  await waitUntilOffScreen(page, 'section.live-figure');
  await animationFrames(page);
  const t0 = await metric(page, 'sim_time');
  // A negative check: no step for a bounded window of animation frames (each frame is a chance
  // for the frame loop to step).
  await animationFrames(page, OFF_SCREEN_FRAMES);
  assert.equal(await metric(page, 'sim_time'), t0, 'no stepping off screen');
  await page.evaluate(() => window.scrollTo(0, 0));
  const t1 = await waitForMetric(page, 'sim_time', (t) => t > t0);
  assert.ok(t1 > t0, 'stepping resumes on screen');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a phone-width view fits without horizontal scrolling', async () => {
  const { page, errors } = await open({ viewport: { width: 390, height: 844 } });
  // Laid out and drawn: every canvas of the figure has ink.
  await waitForInk(page, FIGURE_CANVASES, 6);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  await page.screenshot({ path: path.join(shots, 'live-390x844.png') });
  await page.screenshot({ path: path.join(shots, 'live-390x844-full.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link whose clients fail and retry at once (no think time, all need session state) still runs: the clock passes 1 s', async () => {
  // This link once froze the figure at t = 0.0 s: failing and retrying cost no simulated time.
  const { page, errors } = await open({}, '?v=1&think_ms=0&session_state_share=1');
  await waitForMetric(page, 'sim_time', (t) => t > 1);
  // Nothing stopped: the model's livelock guard did not trip.
  assert.equal(await page.locator('.stall-notice').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
