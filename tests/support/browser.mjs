// Debian's Chromium driven by playwright-core (which never downloads a browser).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

// Collects console errors, page errors and failed requests of a page.
export function watchErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()}`));
  return errors;
}

// Reads `data-value` of the readout with `data-metric=name` as a number.
export async function metric(page, name) {
  const value = await page.getAttribute(`[data-metric="${name}"]`, 'data-value');
  return Number(value);
}

// In the page: the share of pixels differing from the top-left one, for every canvas matching.
export function inkRatio(selector = 'canvas') {
  return [...document.querySelectorAll(selector)].map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const [r0, g0, b0] = data;
    let differing = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== r0 || data[i + 1] !== g0 || data[i + 2] !== b0) differing++;
    }
    return differing / (data.length / 4);
  });
}

// Sets a range input to `position` with an input event and reports how long until the readout's
// data-value changed, and whether that happened before the next animation frame.
export function setRange(page, selector, position, metricName) {
  return page.evaluate(
    ([selector, position, metricName]) =>
      new Promise((resolve) => {
        const input = document.querySelector(selector);
        const readout = () => document.querySelector(`[data-metric="${metricName}"]`).dataset.value;
        const before = readout();
        const t0 = performance.now();
        let changedAt = null;
        const observer = new MutationObserver(() => {
          if (changedAt === null && readout() !== before) changedAt = performance.now();
        });
        observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-value'] });
        input.value = String(position);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        requestAnimationFrame(() => {
          const beforeNextFrame = changedAt !== null || readout() !== before;
          observer.disconnect();
          resolve({ ms: (changedAt ?? performance.now()) - t0, beforeNextFrame });
        });
      }),
    [selector, position, metricName],
  );
}

// Starts recording long tasks (ms) in window.__longTasks.
export async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask', buffered: false });
  });
}

// Like `setRange`, but waits for the change however long it takes: sets a range input to
// `position` with an input event and resolves with the ms until the readout's data-value changed
// (measured in the page with a MutationObserver), or null if it did not change within `timeoutMs`.
export function inputToReadout(page, selector, position, metricName, timeoutMs = 2_000) {
  return page.evaluate(
    ([selector, position, metricName, timeoutMs]) =>
      new Promise((resolve) => {
        const input = document.querySelector(selector);
        const readout = () => document.querySelector(`[data-metric="${metricName}"]`)?.dataset.value;
        const before = readout();
        let done = false;
        let timer;
        const observer = new MutationObserver(() => {
          if (readout() !== before) finish(performance.now() - t0);
        });
        const finish = (ms) => {
          if (done) return;
          done = true;
          observer.disconnect();
          clearTimeout(timer);
          resolve(ms);
        };
        observer.observe(document.body, {
          attributes: true, childList: true, subtree: true, attributeFilter: ['data-value'],
        });
        const t0 = performance.now();
        input.value = String(position);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        if (readout() !== before) finish(performance.now() - t0);
        else timer = setTimeout(() => finish(null), timeoutMs);
      }),
    [selector, position, metricName, timeoutMs],
  );
}
