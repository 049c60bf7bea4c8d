// Helpers for the explanation's page tests (tests/sections.test.mjs).

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
