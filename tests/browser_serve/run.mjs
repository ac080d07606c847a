#!/usr/bin/env node
// The live preview of `tandem serve` in a real browser (Debian's headless
// chromium, driven by playwright-core):
//   1. open an event page;
//   2. edit the event's Markdown: the page reloads by itself and shows the
//      new text;
//   3. break the front matter: the error overlay appears with
//      `path:line:col: message`, over the last good page;
//   4. fix it: the overlay goes and the fixed text shows.
//
// Usage: node tests/browser_serve/run.mjs SERVER_URL SITE_DIR
//   SERVER_URL  where `tandem serve --root SITE_DIR` answers (http://127.0.0.1:PORT)
//   SITE_DIR    the site, whose content/events/netzwerktreffen-2027.md is edited
// CHROMIUM overrides the browser (default /usr/bin/chromium).
// Run by `cargo test --test serve browser` (tests/serve.rs), which starts
// the server on a copy of the example site.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [url, siteDir] = process.argv.slice(2);
if (!url || !siteDir) {
  console.error('usage: node tests/browser_serve/run.mjs SERVER_URL SITE_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SOURCE = 'content/events/netzwerktreffen-2027.md';
const PAGE = '/events/netzwerktreffen-2027/';
const file = path.join(siteDir, SOURCE);
const original = fs.readFileSync(file, 'utf8');
const TIMEOUT = 20000;

let failed = 0;
function check(name, ok, detail = '') {
  console.log(`${ok ? 'ok' : 'FAILED'}  ${name}${ok || !detail ? '' : `: ${detail}`}`);
  if (!ok) failed++;
}

// Writes the file the way an editor does: the whole text, then close.
function save(text) {
  fs.writeFileSync(file, text);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  const loads = [];
  page.on('load', () => loads.push(Date.now()));
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(url + PAGE, { waitUntil: 'load' });
  check('the event page opens', (await page.title()).includes('Netzwerktreffen 2027'));
  // The live-reload script is there and has started polling.
  await page.waitForFunction(() => !!document.querySelector('script[src="/__tandem/live.js"]'), null, { timeout: TIMEOUT });
  await page.waitForTimeout(300);

  // 1. An edit reloads the page by itself.
  const loadsBefore = loads.length;
  const marker = `Neu im Browser ${Date.now()}`;
  save(original.replace('\n---\n', `\n---\n${marker}\n\n`));
  let reloaded = true;
  try {
    await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), marker, { timeout: TIMEOUT });
  } catch (e) {
    reloaded = false;
  }
  check('an edit of the Markdown shows on the open page', reloaded);
  check('by a reload of the page', loads.length > loadsBefore, `${loads.length - loadsBefore} loads`);

  // 2. A broken front matter: the overlay, over the last good page.
  const broken = original.replace('start: 2027-03-10T10:00', 'start: 2027-03-40T10:00');
  save(broken);
  let overlay = '';
  try {
    const el = await page.waitForSelector('#tandem-errors', { timeout: TIMEOUT });
    overlay = await el.innerText();
  } catch (e) {
    overlay = '';
  }
  check('the error overlay appears', overlay !== '');
  const located = new RegExp(`${SOURCE.replace(/[.]/g, '\\.')}:\\d+:\\d+: error: `);
  check('it names path:line:col: message', located.test(overlay), overlay.slice(0, 300));
  check('the last good page stays under it', (await page.content()).includes(marker));

  // 3. The fix clears the overlay and shows the fixed page.
  const fixedMarker = `Wieder in Ordnung ${Date.now()}`;
  save(original.replace('\n---\n', `\n---\n${fixedMarker}\n\n`));
  let fixed = true;
  try {
    await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), fixedMarker, { timeout: TIMEOUT });
    await page.waitForFunction(() => !document.querySelector('#tandem-errors'), null, { timeout: TIMEOUT });
  } catch (e) {
    fixed = false;
  }
  check('the fix clears the overlay and shows the new text', fixed);
  check('no script errors on the page', consoleErrors.length === 0, consoleErrors.join('; '));
} finally {
  save(original);
  await browser.close();
}
console.log(`${failed === 0 ? 'all passed' : `${failed} failed`}`);
process.exit(failed === 0 ? 0 : 1);
