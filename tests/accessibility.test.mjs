// Accessibility of the release build in dist/: axe-core (npm `axe-core`, run inside the page)
// finds no violation in any of the states a reader meets: the page on a desktop, on a phone
// (390 px wide), in dark mode, as an embed, in presenter mode and with the teacher's dialog open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useSite } from './support/site.mjs';
import { watchErrors } from './support/browser.mjs';
import { WAIT_MS } from './support/wait.mjs';
import { loadExplanation } from './support/explanation.mjs';

const site = useSite();
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The page's own Content-Security-Policy forbids injected scripts: the test bypasses it (the
// page's policy itself is checked in csp.test.mjs).
async function open(query, options = {}) {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true, ...options });
  page.setDefaultTimeout(WAIT_MS);
  const errors = watchErrors(page);
  await page.goto(site.server.url + query, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  return { page, errors };
}

// axe-core's violations in `page` now, one line each (rule, impact, what it says, where).
async function violations(page) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      count: v.nodes.length,
    }));
  });
  return found.map((v) => `${v.id} (${v.impact}, ${v.count}×): ${v.help} — ${v.targets.join(' | ')}`);
}

const STATES = [
  { name: 'desktop, with the explanation', query: 'index.html', explanation: true },
  { name: 'phone (390 px), with the explanation', query: 'index.html', explanation: true,
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  { name: 'dark mode, with the explanation', query: 'index.html', explanation: true, options: { colorScheme: 'dark' } },
  { name: 'embed', query: 'index.html?v=1&embed=1' },
  { name: 'embed on a phone', query: 'index.html?v=1&embed=1', options: { viewport: { width: 390, height: 700 } } },
  { name: 'presenter mode', query: 'index.html?v=1&present=1' },
  { name: 'the teacher\'s dialog', query: 'index.html?v=1&clients=3000#teach', dialog: '#teach-title' },
];

for (const state of STATES) {
  test(`axe-core finds no violation: ${state.name}`, async () => {
    const { page, errors } = await open(state.query, state.options);
    if (state.explanation) await loadExplanation(page);
    if (state.dialog) await page.waitForSelector(state.dialog);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
