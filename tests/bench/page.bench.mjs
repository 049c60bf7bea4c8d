// Page benchmark of the release build in dist/ in headless Chromium (run by
// `cargo xtask bench --page`, which builds dist/ first and prints these figures against budgets).
//
// Measures: input → readout latency of the Clients slider; long tasks over live runs at the default
// state, 10,000 and 20,000 clients; the model's step time per frame at 10,000 clients; how long the
// explanation's "whole curve" sweep takes; and a reader's first load on a phone (Slow 4G: 150 ms
// round trip, 1.6 Mbit/s down; CPU slowed 4×; served gzipped): first contentful paint, the first
// live readout, the words in the raw index.html against the words on the page once everything has
// loaded, what the first load fetched (gzip), and the cumulative layout shift as the figures take
// over. Progress goes to stderr; the figures are printed as one
// line `PAGEBENCH {json}` on stdout. Exits non-zero only when the benchmark itself could not run.
//
// Environment: POOLSIM_DIST (default dist/), POOLSIM_BENCH_RUN_MS (each live run, default 30000),
// POOLSIM_BENCH_INPUTS (slider inputs, default 40), CHROMIUM (default /usr/bin/chromium).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../support/server.mjs';
import { launch, watchErrors, inputToReadout } from '../support/browser.mjs';
import { loadExplanation } from '../support/explanation.mjs';
import { allRunsDone } from '../support/sections-helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.POOLSIM_DIST ?? path.join(here, '..', '..', 'dist');
const RUN_MS = Number(process.env.POOLSIM_BENCH_RUN_MS ?? 30_000);
const INPUTS = Number(process.env.POOLSIM_BENCH_INPUTS ?? 40);
const SWEEP_TIMEOUT_MS = 180_000;
// Pause after the page loads, before anything is measured (the load's own work is not measured).
const SETTLE_MS = 2_000;

const log = (msg) => console.error(`page bench: ${msg}`);

// Nearest-rank percentile of `values` (p in 0..100); null for no values.
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

// Installed before any page script: records every long task (> 50 ms) with its start and length.
function recordLongTasks() {
  window.__benchLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLongTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // A browser without the Long Tasks API: the rows say n/a rather than a false 0.
    window.__benchLongTasks = null;
  }
}

async function open(browser, url, errors) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(recordLongTasks);
  errors.push(watchErrors(page));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_steady_direct"]');
  await page.waitForTimeout(SETTLE_MS);
  return page;
}

async function ensurePlaying(page) {
  const button = page.locator('.transport button.primary');
  if ((await button.textContent()).trim() === 'Play') await button.click();
}

// ~INPUTS input events on the Clients slider, alternating between two positions, while the live
// figure runs at the default state.
async function inputLatency(browser, url, errors) {
  const page = await open(browser, url, errors);
  await ensurePlaying(page);
  const max = Number(await page.getAttribute('input#clients', 'max'));
  const positions = [Math.round(max * 0.4), Math.round(max * 0.6)];
  const samples = [];
  let unchanged = 0;
  for (let i = 0; i < INPUTS; i++) {
    const ms = await inputToReadout(page, 'input#clients', positions[i % 2], 'memory_steady_direct');
    if (ms === null) unchanged++;
    else samples.push(ms);
    await page.waitForTimeout(100);
  }
  await page.close();
  return {
    inputs: INPUTS,
    samples: samples.length,
    unchanged,
    p50_ms: percentile(samples, 50),
    p95_ms: percentile(samples, 95),
    max_ms: samples.length ? Math.max(...samples) : null,
  };
}

// RUN_MS of live running at `clients` (null: the default state), counting long tasks; with
// `sampleSteps`, also every published `step_ms` (the model's stepping time in a frame).
async function liveRun(browser, url, errors, clients, sampleSteps) {
  const page = await open(browser, url, errors);
  if (clients !== null) {
    await page.fill('#clients-number', String(clients));
    await page.press('#clients-number', 'Enter');
  }
  await page.click('.transport button:has-text("Reset")');
  await ensurePlaying(page);
  const t0 = await page.evaluate((sampleSteps) => {
    if (sampleSteps) {
      window.__benchSteps = [];
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.target.dataset?.metric === 'step_ms') window.__benchSteps.push(Number(r.target.dataset.value));
        }
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-value'] });
    }
    return performance.now();
  }, sampleSteps);
  await page.waitForTimeout(RUN_MS);
  const r = await page.evaluate((t0) => {
    const t1 = performance.now();
    return {
      window_s: (t1 - t0) / 1000,
      tasks: window.__benchLongTasks?.filter((t) => t.start >= t0 && t.start <= t1).map((t) => t.duration) ?? null,
      steps: window.__benchSteps ?? [],
      clients: Number(document.querySelector('#clients-number').value),
      sim_time_s: Number(document.querySelector('[data-metric="sim_time"]').dataset.value),
      pace: Number(document.querySelector('[data-metric="pace"]').dataset.value),
    };
  }, t0);
  await page.close();
  const run = {
    clients: r.clients,
    window_s: r.window_s,
    long_tasks: r.tasks?.length ?? null,
    per_minute: r.tasks ? (r.tasks.length * 60) / r.window_s : null,
    longest_ms: r.tasks ? Math.max(0, ...r.tasks) : null,
    sim_time_s: r.sim_time_s,
    pace: r.pace,
  };
  const steps = r.steps.filter(Number.isFinite);
  const stepFigures = sampleSteps
    ? { samples: steps.length, p50_ms: percentile(steps, 50), p95_ms: percentile(steps, 95),
      max_ms: steps.length ? Math.max(...steps) : null }
    : null;
  return { run, steps: stepFigures };
}

// In the page: resolves when the sweep's progress bar reads 100 after `start()`, with the seconds
// from the frame it first exists (or was seen below 100, with `again`) to the frame it reads 100.
function timeSweep([again, timeoutMs]) {
  return new Promise((resolve) => {
    // The live figure's bar, not the prerendered one (at 100 from the start).
    const bar = () => document.querySelector('progress[data-metric="sweep_progress"]:not(.island-prerendered progress)');
    let t0 = null;
    const deadline = performance.now() + timeoutMs;
    if (again) {
      t0 = performance.now();
      [...document.querySelectorAll('#sweep button')].find((b) => /again/.test(b.textContent)).click();
    }
    let armed = !again;
    const poll = () => {
      const now = performance.now();
      const b = bar();
      if (b && t0 === null) t0 = now;
      if (b && b.value < 100) armed = true;
      if (b && armed && b.value === 100) resolve({ seconds: (now - t0) / 1000 });
      else if (now > deadline) resolve({ seconds: null, progress: b ? b.value : null });
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
}

// The explanation's "whole curve" sweep: its first run as the reader scrolls to it (sharing each
// frame's budget with the other sections' runs), then, once every run is done, "Run the sweep
// again" on its own.
async function sweep(browser, url, errors) {
  const page = await open(browser, url, errors);
  const first = page.evaluate(timeSweep, [false, SWEEP_TIMEOUT_MS]);
  await loadExplanation(page);
  await page.locator('#sweep').scrollIntoViewIfNeeded();
  const onLoad = await first;
  await allRunsDone(page, SWEEP_TIMEOUT_MS);
  const again = await page.evaluate(timeSweep, [true, SWEEP_TIMEOUT_MS]);
  await page.close();
  return { first_s: onLoad.seconds, again_s: again.seconds };
}

// Slow 4G as Chrome's DevTools define it: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };
const CPU_SLOWDOWN = 4;

// Installed before any page script: paints, layout shifts, and when the first live readout shows.
function recordLoad() {
  window.__benchLoad = { cls: 0, firstReadout: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__benchLoad.cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  const seen = () => {
    if (window.__benchLoad.firstReadout === null && document.querySelector('[data-metric="memory_steady_direct"]')) {
      window.__benchLoad.firstReadout = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

const words = (text) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

// A reader on a phone-class connection and CPU opens the page (gzipped, nothing cached), reads the
// top, then scrolls through the explanation so every figure takes over its static rendering.
async function throttledLoad(browser, gzipUrl, errors) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  errors.push(watchErrors(page));
  await page.addInitScript(recordLoad);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  let firstLoadBytes = 0;
  let counting = true;
  cdp.on('Network.loadingFinished', (e) => { if (counting) firstLoadBytes += e.encodedDataLength; });
  const raw = await (await page.request.get(gzipUrl)).text();
  const rawWords = words(raw.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;/g, ' '));
  await page.goto(gzipUrl, { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_steady_direct"]', { timeout: 120_000 });
  await page.waitForTimeout(SETTLE_MS);
  counting = false;
  const early = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    firstReadout: window.__benchLoad.firstReadout,
    clsBeforeScroll: window.__benchLoad.cls,
  }));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  // The reader scrolls down a screen at a time; the figures arrive on the way.
  for (let i = 0; i < 200; i++) {
    const more = await page.evaluate(() => scrollY + innerHeight < document.documentElement.scrollHeight - 1);
    if (!more) break;
    await page.mouse.wheel(0, 700);
    await page.waitForTimeout(250);
  }
  await loadExplanation(page);
  await allRunsDone(page, SWEEP_TIMEOUT_MS);
  const after = await page.evaluate(() => ({ text: document.body.innerText, cls: window.__benchLoad.cls }));
  await context.close();
  const pageWords = words(after.text);
  return {
    fcp_ms: early.fcp, first_readout_ms: early.firstReadout,
    raw_words: rawWords, page_words: pageWords, raw_share: pageWords ? rawWords / pageWords : null,
    first_load_kb_gzip: firstLoadBytes / 1000, cls_load: early.clsBeforeScroll, cls_total: after.cls,
  };
}

async function main() {
  const server = await serve(dist);
  const gzipServer = await serve(dist, { gzip: true });
  const browser = await launch();
  const errors = []; // one list of console errors, page errors and failed requests per page
  const loadStart = os.loadavg()[0];
  try {
    const url = server.url;
    log(`serving ${dist} at ${url}; each live run lasts ${RUN_MS / 1000} s`);
    log('first load on Slow 4G with the CPU slowed 4×');
    const load = await throttledLoad(browser, gzipServer.url, errors);
    log(`input → readout latency over ${INPUTS} slider inputs`);
    const latency = await inputLatency(browser, url, errors);
    const runs = {};
    let steps = null;
    for (const [name, clients] of [['default', null], ['clients_10000', 10_000], ['clients_20000', 20_000]]) {
      log(`live run: ${name}`);
      const r = await liveRun(browser, url, errors, clients, clients === 10_000);
      runs[name] = r.run;
      if (r.steps) steps = r.steps;
    }
    log('the sweep');
    const sweepFigures = await sweep(browser, url, errors);
    const pageErrors = errors.flat();
    for (const e of pageErrors) log(`page error: ${e}`);
    const figures = {
      load, input_latency: latency, long_tasks: runs, step_ms: steps, sweep: sweepFigures, page_errors: pageErrors.length,
      machine: { cpus: os.cpus().length, load_start: loadStart, load_end: os.loadavg()[0] },
    };
    console.log(`PAGEBENCH ${JSON.stringify(figures)}`);
  } finally {
    await browser.close();
    await server.close();
    await gzipServer.close();
  }
}

main().catch((e) => {
  console.error(`page bench could not run: ${e?.stack ?? e}`);
  process.exit(1);
});
