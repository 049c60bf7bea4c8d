// Page-level tests of the blog-tool snippets, "Copy image + link", the teacher's link builder with
// its QR code, and predict-first questions, on the release build in dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import jsQR from 'jsqr';
import { useSite, openFigure, shots } from './support/site.mjs';
import { watchErrors } from './support/browser.mjs';
import { WAIT_MS } from './support/wait.mjs';
import { loadExplanation } from './support/explanation.mjs';

const site = useSite();

const open = (query, options) => openFigure(site, query, options);

// The query pairs of a URL (or of a bare query), as an object.
const pairs = (q) => Object.fromEntries(new URLSearchParams(q.includes('?') ? q.slice(q.indexOf('?') + 1) : q));

test('every snippet in the embed dialog is parsed back into the state', async () => {
  const { page, errors } = await open('?v=1&clients=3000&pool_size=30&seed=9&paused=1');
  await page.click('text=Embed…');
  await page.waitForSelector('#embed-iframe');
  await page.check('.embed-controls input[type=checkbox] >> nth=3'); // cores
  await page.waitForFunction(() => /controls=clients%2Cpool_size%2Ccores/.test(document.querySelector('#embed-iframe').textContent));
  const text = async (id) => page.textContent(`#${id}`);
  // HTML snippets through the page's own DOM parser.
  const parsed = await page.evaluate(() => {
    const doc = (id) => new DOMParser().parseFromString(document.getElementById(id).textContent, 'text/html');
    const iframe = doc('embed-iframe').querySelector('iframe');
    const el = doc('embed-element').querySelector('poolsim-figure');
    // The element's attributes become the iframe's query the way poolsim-figure.js builds it.
    const q = new URLSearchParams({ v: 1, embed: 1 });
    for (const a of el.attributes) q.set(a.name.replace(/-/g, '_'), /^(metrics|paused)$/.test(a.name) ? '1' : a.value);
    return { iframe: iframe.getAttribute('src'), element: q.toString(), title: iframe.title };
  });
  const want = pairs(parsed.iframe);
  assert.deepEqual(
    { clients: want.clients, pool_size: want.pool_size, seed: want.seed, paused: want.paused, embed: want.embed, controls: want.controls },
    { clients: '3000', pool_size: '30', seed: '9', paused: '1', embed: '1', controls: 'clients,pool_size,cores' },
  );
  assert.deepEqual(pairs(parsed.element), want, 'custom element');
  // Shortcode, include and MDX: their query attribute; the files put it after the site's address.
  for (const id of ['embed-hugo', 'embed-jekyll', 'embed-mdx']) {
    const call = await text(id);
    const query = /query="([^"]*)"/.exec(call)[1];
    assert.deepEqual(pairs(query), want, id);
    assert.ok((await text(`${id}-file`)).includes('index.html?'), `${id} file`);
  }
  assert.match(await text('embed-hugo'), /^\{\{< poolsim query=".*" >\}\}$/);
  assert.match(await text('embed-jekyll'), /^\{% include poolsim\.html query=".*" %\}$/);
  assert.match(await text('embed-mdx'), /import Poolsim from '@site\/src\/components\/Poolsim';\s+<Poolsim query=".*" \/>/);
  // The Hugo and Jekyll files, with the call's query put in, give the iframe's address.
  const base = parsed.iframe.slice(0, parsed.iframe.indexOf('index.html'));
  const jekyllQuery = /query="([^"]*)"/.exec(await text('embed-jekyll'))[1];
  const jekyll = (await text('embed-jekyll-file')).replace('{{ include.query }}', jekyllQuery);
  assert.ok(jekyll.includes(`src="${base}index.html?${jekyllQuery}"`), jekyll);
  assert.ok((await text('embed-hugo-file')).includes(`printf "%sindex.html?%s" "${base}" (.Get "query")`));
  // Notion / Ghost: the embed's address; WordPress: the page's address (oEmbed discovery).
  assert.deepEqual(pairs(await text('embed-link')), want);
  const wp = pairs(await text('embed-wordpress'));
  assert.equal(wp.embed, undefined);
  assert.deepEqual({ ...wp, embed: '1', controls: want.controls }, want);
  // The page it points at advertises oEmbed.
  assert.equal(await page.locator('link[type="application/json+oembed"]').count(), 1);
  await page.screenshot({ path: path.join(shots, 'embed-dialog-snippets-1280x800.png'), fullPage: false });
  // The dialog opens the teacher's link builder on the same state.
  await page.click('[data-opens="teach"]');
  await page.waitForSelector('#teach-title');
  await page.check('input[name="teach-target"][value="page"]');
  await page.waitForFunction(() => /clients=3000/.test(document.querySelector('#teach-link').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});

test('Copy image + link copies a PNG of the figure with its link, or downloads it', async () => {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const errors = watchErrors(page);
  await page.goto(site.server.url + '?v=1&clients=3000', { waitUntil: 'load' });
  await page.waitForSelector('[data-metric="memory_private_direct"]');
  await page.click('text=Embed…');
  const download = page.waitForEvent('download').catch(() => null);
  await page.click('.copy-image');
  await page.waitForFunction(() => document.querySelector('[data-copied]')?.dataset.copied);
  const how = await page.getAttribute('[data-copied]', 'data-copied');
  if (how === 'clipboard') {
    const got = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const png = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
      return { types: item.types, text: await (await item.getType('text/plain')).text(), head: [...png.slice(1, 4)] };
    });
    assert.ok(got.types.includes('image/png'), got.types);
    assert.equal(String.fromCharCode(...got.head), 'PNG');
    assert.match(got.text, /\?v=1&clients=3000$/);
  } else {
    const file = await (await download).path();
    assert.equal((await readFile(file)).subarray(1, 4).toString(), 'PNG');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

// Decodes the QR code shown by `locator`: the screenshot's pixels, through jsQR.
async function readQr(page, locator) {
  const png = await locator.screenshot();
  const { data, width, height } = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return { data: [...ctx.getImageData(0, 0, c.width, c.height).data], width: c.width, height: c.height };
  }, png.toString('base64'));
  return jsQR(Uint8ClampedArray.from(data), width, height)?.data;
}

test('the teacher link builder gives a link and a QR code that decodes to it; the link opens as chosen', async () => {
  const { page, errors } = await open('?v=1&clients=3000#teach');
  await page.waitForSelector('#teach-title');
  // Presenter mode on steps 2, 5 and 8, seed 77, projector palette.
  const steps = page.locator('.teach-steps input[type=checkbox]');
  const n = await steps.count();
  for (let i = 0; i < n; i++) if (![1, 4, 7].includes(i)) await steps.nth(i).uncheck();
  await page.fill('#teach-seed', '77');
  await page.press('#teach-seed', 'Tab');
  await page.check('input[name="teach-palette"][value="projector"]');
  await page.waitForFunction(() => /seed=77.*steps=2%2C5%2C8.*palette=projector/.test(document.querySelector('#teach-link').textContent));
  const talk = (await page.textContent('#teach-link')).trim();
  assert.equal(await readQr(page, page.locator('.qr')), talk, 'the QR code is the link');
  await page.screenshot({ path: path.join(shots, 'teach-1280x800.png') });

  // The phone link: the figure alone with the chosen controls.
  await page.check('input[name="teach-target"][value="embed"]');
  await page.check('.embed-controls input[value="cores"]');
  await page.waitForFunction(() => /embed=1.*controls=clients%2Cpool_size%2Ccores/.test(document.querySelector('#teach-link').textContent));
  const phone = (await page.textContent('#teach-link')).trim();
  assert.equal(await readQr(page, page.locator('.qr')), phone);
  assert.deepEqual(errors, []);
  await page.close();

  // The teacher's page on a phone.
  const small = await open('?v=1#teach', { viewport: { width: 360, height: 740 } });
  await small.page.waitForSelector('#teach-title');
  assert.ok(await small.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scroll');
  await small.page.screenshot({ path: path.join(shots, 'teach-360x740.png') });
  await small.page.close();

  // The presenter link opens on its first chosen step, moves through the chosen ones only.
  const present = await open(talk.slice(talk.indexOf('?')));
  await present.page.waitForSelector('.step-panel[data-step="2"]');
  assert.match(await present.page.textContent('.step-count'), /Step 2 of \d+/);
  assert.equal(await present.page.isDisabled('.step-nav button >> nth=0'), true, 'no step before the first chosen one');
  assert.equal(await present.page.getAttribute('html', 'data-palette'), 'projector');
  await present.page.screenshot({ path: path.join(shots, 'teach-link-present-projector-1280x800.png') });
  await present.page.keyboard.press('ArrowRight');
  await present.page.waitForSelector('.step-panel[data-step="5"]');
  assert.equal(pairs(await present.page.evaluate(() => location.search)).seed, '77');
  assert.deepEqual(present.errors, []);
  await present.page.close();

  // The phone link at 360 px: the figure with clients, pool size and cores, nothing wider than the screen.
  const student = await open(phone.slice(phone.indexOf('?')), { viewport: { width: 360, height: 740 } });
  await student.page.waitForSelector('.page.embed');
  for (const id of ['#clients-number', '#pool-size-number', '#cores-number']) assert.equal(await student.page.locator(id).count(), 1, id);
  assert.equal(await student.page.locator('#think-ms-number').count(), 0, 'only the chosen controls');
  assert.ok(await student.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scroll');
  assert.equal(pairs(await student.page.evaluate(() => location.search)).seed, '77');
  await student.page.screenshot({ path: path.join(shots, 'teach-link-embed-360x740.png') });
  assert.deepEqual(student.errors, []);
  await student.page.close();
});

test('a prediction is stored, shown beside the model\'s outcome, and exported as CSV', async () => {
  const { page, errors } = await open('?v=1&challenges=fleet');
  assert.equal(await page.locator('[data-challenge]').count(), 1, 'only the chosen challenge');
  await loadExplanation(page);
  await page.waitForSelector('#predict');
  assert.deepEqual(await page.$$eval('[data-prediction]', (els) => els.map((e) => e.dataset.prediction)),
    ['double_clients_direct', 'double_clients_pooled_memory']);
  const q = page.locator('[data-prediction="double_clients_direct"]');
  await q.locator('input[type=radio] >> nth=0').check();
  await q.locator('.predict-run').click();
  await q.locator('.predict-result').waitFor({ timeout: 60_000 });
  const shown = await q.locator('.predict-result').evaluate((e) => ({ mine: e.dataset.predicted, model: e.dataset.model, text: e.textContent }));
  assert.equal(shown.mine, '0');
  assert.match(shown.text, /You predicted\s*stay about the same/);
  assert.match(shown.text, /The model gives.*→.*×\)/);
  assert.match(shown.text, shown.model === '0' ? /you predicted what the model gives/ : /the model disagrees/);
  await page.locator('.trials').waitFor();
  assert.equal(await page.locator('.trials tbody tr').count(), 1);
  await q.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'predict-1280x800.png') });
  const download = page.waitForEvent('download');
  await page.click('.trials-csv');
  const csv = await readFile(await (await download).path(), 'utf8');
  const [header, row] = csv.trim().split('\n');
  const cols = header.split(',');
  assert.equal(cols.length, 11);
  // Parse the row (labels with commas are quoted).
  const cells = [...row.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '')).slice(0, cols.length);
  const rec = Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  assert.equal(rec.question, 'double_clients_direct');
  assert.equal(rec.prediction, 'stay about the same (under 1.4×)');
  assert.ok(Number(rec.model_after) > Number(rec.model_before), csv);
  assert.equal(Number(rec.ratio).toFixed(2), (Number(rec.model_after) / Number(rec.model_before)).toFixed(2));
  assert.equal(rec.match, shown.model === '0' ? 'yes' : 'no');
  assert.deepEqual(errors, []);
  await page.close();
});
