// The built site works from any static host and under a sub-path (relative asset URLs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './support/server.mjs';
import { launch, watchErrors } from './support/browser.mjs';
import { dist } from './support/site.mjs';
import { loadExplanation } from './support/explanation.mjs';

test('dist/ served under /docs/poolsim/ loads every asset, mounts the app and, on scroll, the explanation', async () => {
  const server = await serve(dist, { prefix: '/docs/poolsim/' });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const failed = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-metric]');
    await loadExplanation(page);
    for (const asset of ['favicon.svg', 'robots.txt', 'social.png']) {
      const r = await page.request.get(server.url + asset);
      assert.equal(r.status(), 200, asset);
    }
    assert.deepEqual(failed, []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
