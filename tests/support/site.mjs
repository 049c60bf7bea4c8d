// The built site under test: dist/ served on 127.0.0.1 and one Chromium, started before a test
// file's tests and stopped after them.
import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch, watchErrors } from './browser.mjs';
import { WAIT_MS } from './wait.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const dist = process.env.POOLSIM_DIST ?? path.join(here, '..', '..', 'dist');
export const shots = path.join(here, '..', '..', 'target', 'screenshots');

// Registers the hooks; the returned object holds `server` and `browser` once they run.
export function useSite() {
  const site = {};
  before(async () => {
    site.server = await serve(dist);
    site.browser = await launch();
    await mkdir(shots, { recursive: true });
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

// A new page of the site at `query`, once the live figure shows its first readout; with the
// page's console errors collected.
export async function openFigure(site, query = '', options = {}) {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options });
  page.setDefaultTimeout(WAIT_MS);
  const errors = watchErrors(page);
  await page.goto(site.server.url + query, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  return { page, errors };
}
