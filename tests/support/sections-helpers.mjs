// Helpers for the explanation's page tests (tests/sections.test.mjs).

// Installed before any page script: records every long task (> 50 ms) with its start and length.
export const LONGTASK_RECORDER = () => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    window.__longtasks = null;
  }
};

// Waits until the small simulated run whose status carries `data-metric=name` has finished.
export async function runDone(page, name, timeout = 60_000) {
  await page.waitForSelector(`[data-metric="${name}"][data-value="1"]`, { timeout });
}

// Waits until every small run of the explanation has finished.
export async function allRunsDone(page, timeout = 120_000) {
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-metric$="_run"]')].every((e) => e.getAttribute('data-value') === '1'),
    null,
    { timeout, polling: 100 },
  );
}
