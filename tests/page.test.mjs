// Page-level tests of the release build in dist/ (run `cargo xtask test`, which builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, shots } from './support/site.mjs';
import { watchErrors, metric, inkRatio, setRange, watchLongTasks } from './support/browser.mjs';

const site = useSite();
// How long the 10,000-client run lasts (CI can shorten or lengthen it).
// The canvases of the live figure and of the memory chart (the explanation below has its own).
const FIGURE_CANVASES = '.live-figure canvas, .memory-figure canvas';
const RUN_MS = Number(process.env.POOLSIM_RUN_MS ?? 20_000);

async function open(options = {}) {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 }, ...options });
  const errors = watchErrors(page);
  await page.goto(site.server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  return { page, errors };
}

async function pause(page) {
  const button = page.locator('.transport button.primary');
  if ((await button.textContent()) === 'Pause') await button.click();
}

test('the page loads with no console errors, drawn canvases and a first view that tells the story', async () => {
  const { page, errors } = await open();
  assert.match(await page.textContent('h1'), /connection pooler/);
  await page.waitForTimeout(2_500);
  const inks = await page.evaluate(inkRatio, FIGURE_CANVASES);
  assert.equal(inks.length, 6, 'two architecture views, three live charts, the memory chart');
  for (const [i, ink] of inks.entries()) assert.ok(ink > 0.01, `canvas ${i} ink ratio ${ink}`);
  // Crisp on HiDPI: the backing store follows devicePixelRatio (1 here).
  const sizes = await page.evaluate((sel) =>
    [...document.querySelectorAll(sel)].map((c) => c.width / c.getBoundingClientRect().width),
  FIGURE_CANVASES);
  for (const ratio of sizes) assert.ok(Math.abs(ratio - 1) < 0.02, `backing/CSS ${ratio}`);
  // Untouched, the pooled side already wins on memory.
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
  await page.waitForTimeout(800);
  const ratios = await page.evaluate((sel) =>
    [...document.querySelectorAll(sel)].map((c) => c.width / c.getBoundingClientRect().width),
  FIGURE_CANVASES);
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
  const seen = [];
  for (let i = 1; i <= 5; i++) {
    await page.mouse.move(startX + (box.width * 0.28 * i) / 5, y);
    seen.push(await metric(page, 'memory_steady_direct'));
  }
  // Readouts update during the drag (on input, not on release).
  assert.ok(seen[2] > before, `mid-drag ${seen[2]} vs before ${before}`);
  await page.mouse.up();
  const right = await metric(page, 'memory_steady_direct');
  const pooledRight = await metric(page, 'memory_steady_pooled');
  assert.ok(right > before * 2, `drag right: ${before} -> ${right}`);
  // Only PgBouncer's ~2 kB per client is added on the pooled side.
  const clients = Number(await page.inputValue('#clients-number'));
  assert.ok(pooledRight - pooledBefore < clients * 10_000, `pooled ${pooledBefore} -> ${pooledRight}`);
  assert.ok(pooledRight * 20 < right, `pooled ${pooledRight} vs direct ${right}`);
  // Running, the model connects the new clients: live direct memory grows.
  await page.click('.transport button.primary');
  await page.waitForTimeout(2_500);
  const liveAfter = await metric(page, 'memory_private_direct');
  assert.ok(liveAfter > liveBefore, `live direct memory ${liveBefore} -> ${liveAfter}`);
  await pause(page);

  await page.mouse.move(box.x + box.width * 0.9, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.1, y, { steps: 5 });
  await page.mouse.up();
  const left = await metric(page, 'memory_steady_direct');
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
  const up = await metric(page, 'memory_steady_pooled');
  assert.ok(up > pooled, `ArrowRight: ${pooled} -> ${up}`);
  await page.keyboard.press('End');
  const end = await metric(page, 'memory_steady_pooled');
  assert.ok(end > up, `End: ${up} -> ${end}`);
  assert.match(await page.getAttribute('input#pool-size', 'aria-valuetext'), /^1,000 server connections$/);
  const box = await page.locator('input#pool-size').boundingBox();
  await page.mouse.click(box.x + 4, box.y + box.height / 2);
  assert.ok((await metric(page, 'memory_steady_pooled')) < end, 'click at the left end');
  assert.equal(await metric(page, 'memory_steady_direct'), direct, 'direct memory does not depend on the pool');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the keyboard moves the Clients slider and the readout answers within one frame', async () => {
  const { page, errors } = await open();
  await page.focus('input#clients');
  const before = await metric(page, 'memory_steady_direct');
  await page.keyboard.press('ArrowRight');
  const up = await metric(page, 'memory_steady_direct');
  assert.ok(up > before, `ArrowRight: ${before} -> ${up}`);
  await page.keyboard.press('Home');
  const home = await metric(page, 'memory_steady_direct');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await metric(page, 'memory_steady_direct'), home, 'Home is the minimum');
  await page.keyboard.press('End');
  assert.match(await page.getAttribute('input#clients', 'aria-valuetext'), /^20,000 clients$/);
  // Input → readout: the new value is in the DOM before the next animation frame.
  const latency = await setRange(page, 'input#clients', 200, 'memory_steady_direct');
  console.log(`input → readout: ${latency.ms.toFixed(2)} ms, before next frame: ${latency.beforeNextFrame}`);
  assert.ok(latency.beforeNextFrame, `readout changed only after a frame (${latency.ms} ms)`);
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
  assert.equal(await metric(page, 'memory_steady_pooled'), pooled, 'garbage keeps the value');
  // The seed: typed, or drawn from the browser's crypto source.
  await page.fill('#seed', '12345');
  await page.press('#seed', 'Enter');
  assert.equal(await page.inputValue('#seed'), '12345');
  await page.click('button:has-text("New seed")');
  assert.notEqual(await page.inputValue('#seed'), '12345');
  assert.match(await page.inputValue('#seed'), /^\d+$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pool modes: session-state clients get errors in transaction and statement mode, not in session mode', async () => {
  const { page, errors } = await open();
  await page.fill('#session-state-number', '10');
  await page.press('#session-state-number', 'Enter');
  const figures = {};
  for (const mode of ['session', 'transaction', 'statement']) {
    await page.selectOption('#pool-mode', mode);
    await page.click('.transport button:has-text("Reset")');
    await page.waitForTimeout(2_500);
    figures[mode] = {
      errors: await metric(page, 'errors_pooled'),
      p99: await metric(page, 'latency_p99_pooled'),
      tps: await metric(page, 'throughput_pooled'),
    };
    assert.equal(await page.textContent('.console tbody td:last-child'), mode);
  }
  console.log('pool modes:', JSON.stringify(figures));
  assert.equal(figures.session.errors, 0, 'no mode errors in session mode');
  assert.ok(figures.transaction.errors > 0, 'transaction mode breaks session state');
  assert.ok(figures.statement.errors > 0, 'statement mode breaks session state');
  assert.ok((await page.locator('.errors li').count()) > 0, 'errors are listed by reason');
  assert.deepEqual(errors, []);
  await page.close();
});

test('10,000 clients: no long task, and the pool beats direct on p99', async () => {
  const { page, errors } = await open();
  await watchLongTasks(page);
  await page.fill('#clients-number', '10000');
  await page.press('#clients-number', 'Enter');
  await page.click('.transport button:has-text("Reset")');
  const start = Date.now();
  await page.waitForTimeout(RUN_MS);
  const elapsed = (Date.now() - start) / 1000;
  const result = await page.evaluate(() => ({
    longTasks: window.__longTasks,
    simTime: Number(document.querySelector('[data-metric="sim_time"]').dataset.value),
    pace: Number(document.querySelector('[data-metric="pace"]').dataset.value),
    paceText: document.querySelector('[data-metric="pace"]').textContent,
  }));
  const figures = {
    elapsed_s: elapsed,
    sim_time_s: result.simTime,
    pace: result.pace,
    pace_text: result.paceText,
    long_tasks: result.longTasks.length,
    longest_task_ms: Math.max(0, ...result.longTasks),
    p99_direct_s: await metric(page, 'latency_p99_direct'),
    p99_pooled_s: await metric(page, 'latency_p99_pooled'),
    tps_direct: await metric(page, 'throughput_direct'),
    tps_pooled: await metric(page, 'throughput_pooled'),
    cs_direct: await metric(page, 'context_switches_direct'),
    cs_pooled: await metric(page, 'context_switches_pooled'),
    memory_direct: await metric(page, 'memory_private_direct'),
    memory_pooled: await metric(page, 'memory_private_pooled'),
  };
  console.log('10,000 clients at 1×:', JSON.stringify(figures, null, 1));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, 'live-10000-clients-1280x800.png') });
  // As fast as the frame budget allows: stepping fills its budget every frame.
  await page.evaluate(() => { window.__longTasks = []; });
  await page.selectOption('#speed', { label: 'max' });
  const steps = [];
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(500);
    steps.push(await metric(page, 'step_ms'));
  }
  const max = await page.evaluate(() => ({
    longTasks: window.__longTasks,
    pace: Number(document.querySelector('[data-metric="pace"]').dataset.value),
  }));
  console.log('10,000 clients at max speed:', JSON.stringify({
    pace: max.pace,
    step_ms_per_frame: steps.map((v) => Number(v.toFixed(2))),
    long_tasks: max.longTasks,
  }));
  assert.deepEqual(max.longTasks.filter((ms) => ms > 50), [], 'long tasks over 50 ms at max speed');
  assert.ok(Math.max(...steps) < 20, `stepping per frame ${Math.max(...steps)} ms`);
  assert.ok(result.simTime > 0.5, `the model advanced (${result.simTime} s)`);
  assert.deepEqual(result.longTasks.filter((ms) => ms > 50), [], 'long tasks over 50 ms');
  assert.ok(figures.p99_pooled_s < figures.p99_direct_s, `p99 pooled ${figures.p99_pooled_s} vs direct ${figures.p99_direct_s}`);
  assert.ok(figures.memory_pooled < figures.memory_direct / 10);
  assert.deepEqual(errors, []);
  await page.close();
});

test('reduced motion and dark mode: numbers still update, canvases follow the scheme', async () => {
  const { page, errors } = await open({ reducedMotion: 'reduce', colorScheme: 'dark' });
  const t0 = await metric(page, 'sim_time');
  await page.waitForTimeout(1_500);
  assert.ok((await metric(page, 'sim_time')) > t0, 'the model still runs');
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
  await page.waitForTimeout(500);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(300);
  const t0 = await metric(page, 'sim_time');
  await page.waitForTimeout(1_000);
  assert.equal(await metric(page, 'sim_time'), t0, 'no stepping off screen');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(1_000);
  assert.ok((await metric(page, 'sim_time')) > t0, 'stepping resumes on screen');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a phone-width view fits without horizontal scrolling', async () => {
  const { page, errors } = await open({ viewport: { width: 390, height: 844 } });
  await page.waitForTimeout(1_500);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  await page.screenshot({ path: path.join(shots, 'live-390x844.png') });
  await page.screenshot({ path: path.join(shots, 'live-390x844-full.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
