// Page-level tests of the release build in dist/ (run `cargo xtask test`, which builds it first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './support/server.mjs';
import { launch, watchErrors, metric } from './support/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.POOLSIM_DIST ?? path.join(here, '..', 'dist');
const shots = path.join(here, '..', 'target', 'screenshots');

let server;
let browser;

before(async () => {
  server = await serve(dist);
  browser = await launch();
  await mkdir(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  return { page, errors };
}

test('the page loads with no console errors and a drawn chart', async () => {
  const { page, errors } = await open();
  assert.match(await page.textContent('h1'), /connection pooler/);
  // The chart canvas has non-background pixels (plotters drew something).
  const inked = await page.evaluate(() => {
    const c = document.querySelector('canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const [r0, g0, b0] = data;
    let differing = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== r0 || data[i + 1] !== g0 || data[i + 2] !== b0) differing++;
    }
    return differing / (data.length / 4);
  });
  assert.ok(inked > 0.01, `chart ink ratio ${inked}`);
  await page.screenshot({ path: path.join(shots, 'memory-1280x800.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('dragging the Clients slider with the mouse moves direct memory the right way', async () => {
  const { page, errors } = await open();
  const slider = page.locator('input#clients');
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  const before = await metric(page, 'memory_private_direct');
  // Press near the current thumb, then drag right in steps: each move fires an input event.
  const startX = box.x + box.width * 0.5;
  await page.mouse.move(startX, y);
  await page.mouse.down();
  const seen = [];
  for (let i = 1; i <= 5; i++) {
    await page.mouse.move(startX + (box.width * 0.45 * i) / 5, y);
    seen.push(await metric(page, 'memory_private_direct'));
  }
  // Readouts update during the drag (on input, not on release).
  assert.ok(seen[2] > before, `mid-drag ${seen[2]} vs before ${before}`);
  await page.mouse.up();
  const right = await metric(page, 'memory_private_direct');
  assert.ok(right > before, `drag right: ${before} -> ${right}`);

  await page.mouse.move(box.x + box.width * 0.9, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.1, y, { steps: 5 });
  await page.mouse.up();
  const left = await metric(page, 'memory_private_direct');
  assert.ok(left < right, `drag left: ${right} -> ${left}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the keyboard moves the Clients slider and the readout follows', async () => {
  const { page, errors } = await open();
  await page.focus('input#clients');
  const before = await metric(page, 'memory_private_direct');
  await page.keyboard.press('ArrowRight');
  const up = await metric(page, 'memory_private_direct');
  assert.ok(up > before, `ArrowRight: ${before} -> ${up}`);
  await page.keyboard.press('Home');
  const home = await metric(page, 'memory_private_direct');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await metric(page, 'memory_private_direct'), home, 'Home is the minimum');
  await page.keyboard.press('End');
  const end = await metric(page, 'memory_private_direct');
  assert.ok(end > up && home < before, `Home ${home}, End ${end}`);
  // The accessible value names the number of clients.
  assert.match(await page.getAttribute('input#clients', 'aria-valuetext'), /^20,000 clients$/);
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
  const pooled = await metric(page, 'memory_private_pooled');
  await page.fill('#pool-size-number', 'abc');
  await page.press('#pool-size-number', 'Enter');
  await page.waitForSelector('#pool-size-help .notice');
  assert.match(await page.textContent('#pool-size-help .notice'), /not a number/);
  assert.equal(await metric(page, 'memory_private_pooled'), pooled, 'garbage keeps the value');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a phone-width view fits without horizontal scrolling', async () => {
  const { page, errors } = await open({ width: 390, height: 844 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  await page.screenshot({ path: path.join(shots, 'memory-390x844.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
