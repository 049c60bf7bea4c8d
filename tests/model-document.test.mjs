// The model document ships with the site: model.html (crates/model/MODEL.md rendered by
// `cargo xtask dist`) beside index.html, with its chart, in the site's look and under the same
// policy; the page's "model document" link opens it, on any host and sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSite, shots } from './support/site.mjs';
import { watchErrors } from './support/browser.mjs';
import { WAIT_MS } from './support/wait.mjs';

const site = useSite();

test('the page links the model document, which opens with its chart and no error', async () => {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(WAIT_MS);
  const errors = watchErrors(page);
  const violations = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) violations.push(msg.text());
  });
  await page.goto(site.server.url, { waitUntil: 'load' });
  // In the raw page (the explanation's prose is prerendered): a relative link, so it works offline
  // and under any sub-path.
  const link = page.locator('a', { hasText: 'model document' }).first();
  assert.equal(await link.getAttribute('href'), 'model.html');
  await page.goto(await link.evaluate((a) => a.href), { waitUntil: 'load' });
  assert.equal(await page.title(), 'The poolsim model — poolsim');
  assert.equal(await page.locator('h1').textContent(), 'The poolsim model');
  // The realism figure links this section.
  assert.equal(await page.locator('#validation-against-a-real-server').count(), 1);
  const chart = await page.locator('img[src="validation.svg"]').evaluate((img) => [img.complete, img.naturalWidth]);
  assert.deepEqual(chart, [true, 900]);
  // The site's stylesheets apply: the column has the page's measure, not the window's width.
  const width = await page.locator('main').evaluate((m) => m.getBoundingClientRect().width);
  assert.ok(width > 500 && width < 900, `column width ${width}`);
  assert.equal(await page.locator('script').count(), 0, 'a static page');
  await page.screenshot({ path: path.join(shots, 'model-document.png') });
  assert.deepEqual(errors, []);
  assert.deepEqual(violations, []);
  await page.close();
});
