// The explanation below the figure is a second module (crates/web/src/lazy.rs) that the page
// fetches when the reader scrolls near it. Tests that use it scroll there first.

// Scrolls to the explanation and waits until its module has mounted.
export async function loadExplanation(page) {
  await page.locator('#explanation').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('explanation')?.dataset.state === 'loaded',
    null, { timeout: 30_000 });
  await page.waitForSelector('section.explain');
  // Every figure has replaced its static rendering.
  await page.waitForFunction(() => !document.querySelector('#explanation .island-static, #explanation .island-prerendered'),
    null, { timeout: 30_000 });
}

// Records the paths of requests for the explanation's files (loader, glue, wasm).
export function explainRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    if (/poolsim-explain/.test(r.url())) seen.push(new URL(r.url()).pathname);
  });
  return seen;
}
