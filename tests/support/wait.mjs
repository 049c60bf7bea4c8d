// Waiting for conditions instead of sleeping: the page tests must pass on a slow, loaded machine,
// so they wait (with generous time-outs) for what they then check, never for a fixed time.
import { metric, inkRatio } from './browser.mjs';

// Generous: a fresh, loaded 2-core machine may take this long for what a laptop does at once.
export const WAIT_MS = 60_000;

// Calls `read()` until `ok(value)` holds and returns that value; throws after `timeout` ms with
// the last value read (`what` names it in the message).
export async function pollUntil(read, ok, { timeout = WAIT_MS, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not met within ${timeout} ms (last value ${JSON.stringify(value)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// Waits until the readout `[data-metric=name]` of `page` (a page or a frame) has a data-value
// for which `ok(value)` holds; returns it.
export function waitForMetric(page, name, ok, options = {}) {
  return pollUntil(() => metric(page, name), ok, { what: `data-metric=${name}`, ...options });
}

// Waits until `count` canvases (any number but none, if null) match `selector` and each has more
// than `min` of its pixels drawn; returns their ink ratios.
export function waitForInk(page, selector, count = null, { min = 0.01, ...options } = {}) {
  return pollUntil(() => page.evaluate(inkRatio, selector),
    (inks) => (count === null ? inks.length > 0 : inks.length === count) && inks.every((ink) => ink > min),
    { what: `ink of ${count ?? 'every'} × ${selector}`, ...options });
}

// Waits for `n` animation frames of `page` (a page or a frame). Input events are dispatched, and
// Yew has rendered what they changed, before the next frame runs its callbacks; so after two
// frames the last of a series of inputs has been shown, and something that has not happened is
// not merely late. Frames, not milliseconds: a slow machine gets the same number of chances.
// For checks that something does NOT happen, only after a positive sign that it should not.
export function animationFrames(page, n = 2) {
  return page.evaluate((n) => new Promise((resolve) => {
    const tick = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => tick(left - 1)));
    tick(n);
  }), n);
}

// Waits until an IntersectionObserver in `page` (a page or a frame) reports the element matching
// `selector` off screen. The app's own observers (the figure's visibility, the explanation's
// loader) were created earlier, so they have been told by then too.
export function waitUntilOffScreen(page, selector, { timeout = WAIT_MS, rootMargin = '0px' } = {}) {
  return page.evaluate(([selector, timeout, rootMargin]) => new Promise((resolve, reject) => {
    const el = document.querySelector(selector);
    if (!el) {
      reject(new Error(`no ${selector}`));
      return;
    }
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`${selector} still on screen after ${timeout} ms`));
    }, timeout);
    const observer = new IntersectionObserver((entries) => {
      if (!entries.at(-1).isIntersecting) {
        clearTimeout(timer);
        observer.disconnect();
        resolve();
      }
    }, { rootMargin });
    observer.observe(el);
  }), [selector, timeout, rootMargin]);
}
