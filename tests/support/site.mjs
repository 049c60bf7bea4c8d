// The built site under test: dist/ served on 127.0.0.1 and one Chromium, started before a test
// file's tests and stopped after them.
import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

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
