#!/usr/bin/env node
// Browser tests of tandem's default theme, in Debian's headless chromium
// driven by playwright-core:
//   a) axe-core: no serious or critical violations on home, listings, an
//      archive page and entry pages of each kind (light and dark);
//   b) every request of each kind of page goes to the local server only,
//      and no element or stylesheet points a resource at another host
//      (CSS url(), @import, srcset, preconnect included);
//   c) with a fixed clock, an event moves from upcoming to past and its
//      registration button disappears, without a rebuild (window.TANDEM_NOW
//      and playwright's clock API, live while the page stays open);
//   d) the events listing filter narrows by network, project and place;
//   e) search (with --search): each query finds its pages, upcoming
//      events first, and the filters of the last query's results narrow;
//   and: pages are complete without JavaScript, 360 px without sideways
//   scrolling, a visible skip link and focus, the print stylesheet.
//
// Usage: node tests/browser/run.mjs OUTPUT_DIR [--base-path /sub/] [--quick]
//                [--search 'QUERY=PATH,PATH' ...]
//   --base-path  the path part of the base URL the site was built with
//   --quick      one entry page per kind (plus one series, one with
//                sessions, one with a status) instead of three
//   --search     a query and pages (relative to the site) it must find;
//                the first is typed into the header's field
// The site needs an upcoming event with a registration button (c) and at
// least two networks, projects and places among its listed events (d), as
// the example site and tests/browser/fixture have. Chromium is
// /usr/bin/chromium unless CHROMIUM names another.
// Prints one line per test and "N passed, M failed"; exits 1 on failure.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve } from './server.mjs';

const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
let outDir = null;
let basePath = '/';
let quick = false;
const searches = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--base-path') basePath = args[++i];
  else if (args[i] === '--quick') quick = true;
  else if (args[i] === '--search') {
    const [q, want] = args[++i].split('=');
    searches.push({ q, want: want.split(',').filter(Boolean) });
  }
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log('usage: node tests/browser/run.mjs OUTPUT_DIR [--base-path /sub/] [--quick]');
    process.exit(0);
  } else outDir = args[i];
}
if (!outDir || !fs.existsSync(path.join(outDir, 'index.html'))) {
  console.error(`run.mjs: ${outDir ?? '(no folder given)'} holds no built site (index.html)`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}
if (!basePath.startsWith('/')) basePath = `/${basePath}`;
if (!basePath.endsWith('/')) basePath += '/';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KINDS = ['events', 'networks', 'partners', 'projects', 'posts'];

// ---------------------------------------------------------------- harness
const results = [];
async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}`);
    for (const line of String(e && e.stack ? e.message : e).split('\n')) console.log(`    ${line}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------- setup
const server = await serve(outDir, basePath);
const site = server.url; // http://127.0.0.1:PORT/base/
const url = (p) => new URL(p.replace(/^\//, ''), site).href;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/** A fresh context whose every request is recorded; other hosts are refused. */
async function newContext(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const requests = [];
  const errors = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (isLocal(u)) return route.continue();
    requests.push(u);
    return route.abort('blockedbyclient');
  });
  context.on('request', (r) => requests.push(r.url()));
  context.on('response', (r) => {
    if (r.status() >= 400 && isLocal(r.url()) && r.request().resourceType() !== 'document') {
      errors.push(`${r.status()} ${r.url()}`);
    }
  });
  context.on('weberror', (e) => errors.push(`script error: ${e.error().message}`));
  return { context, requests, errors };
}
function isLocal(u) {
  if (/^(data|blob|about):/.test(u)) return true;
  try {
    return new URL(u).origin === server.origin;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- pages
/** The pages to check: home, listings, one archive year, entries of each kind, a plain page, the legal pages, 404. */
async function discoverPages() {
  const { context } = await newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const pages = [{ name: 'home', path: '' }];
  const perKind = quick ? 1 : 3;
  for (const kind of KINDS) {
    await page.goto(url(`${kind}/`));
    pages.push({ name: `${kind} listing`, path: `${kind}/` });
    const prefix = new URL(`${kind}/`, site).pathname;
    const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => a.pathname));
    const entries = [...new Set(hrefs.filter((h) => h.startsWith(prefix) && h.length > prefix.length && !h.includes('/archive/')))];
    for (const h of entries.slice(0, perKind)) {
      pages.push({ name: `${kind.replace(/s$/, '')} ${h.slice(prefix.length).replace(/\/$/, '')}`, path: h.slice(new URL(site).pathname.length) });
    }
    if (kind === 'events') {
      const archive = await page.$$eval('nav.archive a[href]', (as) => as.map((a) => a.pathname));
      if (archive.length) pages.push({ name: 'events archive', path: archive[0].slice(new URL(site).pathname.length) });
      // Event pages of each shape: a series, sessions, a status.
      const kinds = await eventShapes(page, entries);
      for (const p of kinds) if (!pages.some((q) => q.path === p.path)) pages.push(p);
    }
  }
  await page.goto(url(''));
  const plain = await page.$$eval('footer nav a[href]', (as) => as.map((a) => a.pathname));
  if (plain.length) pages.push({ name: 'plain page', path: plain[0].slice(new URL(site).pathname.length) });
  // The Impressum, privacy and accessibility pages written from `legal:`.
  const legal = await page.$$eval('footer .footer-legal a[href]', (as) => as.map((a) => a.pathname));
  for (const h of legal) {
    const path = h.slice(new URL(site).pathname.length);
    if (!pages.some((q) => q.path === path)) pages.push({ name: `legal page ${path}`, path });
  }
  // The embeds of a network, a partner and a project, linked from their pages.
  for (const kind of ['networks', 'partners', 'projects']) {
    const p = pages.find((q) => q.path.startsWith(`${kind}/`) && q.path.length > kind.length + 1);
    if (!p) continue;
    await page.goto(url(p.path));
    const h = await page.$eval('.embed-snippet a[href]', (a) => a.pathname).catch(() => null);
    if (h) pages.push({ name: `embed of ${p.name}`, path: h.slice(new URL(site).pathname.length) });
  }
  // The search page, with results shown and its filters filled.
  pages.push({ name: 'search page with results', path: 'search/?q=workshops' });
  pages.push({ name: '404 page', path: '404.html' });
  // A site in several languages: the home page and an entry in the other
  // language, reached through the language switcher (on the example site
  // the home page is translated, the first partner is not).
  const partner = pages.find((q) => q.path.startsWith('partners/') && q.path.length > 'partners/'.length);
  for (const p of [{ name: 'home', path: '' }, partner].filter(Boolean)) {
    await page.goto(url(p.path));
    const other = await page.$eval('nav.lang-switch a:not([aria-current])', (a) => a.pathname).catch(() => null);
    if (other) pages.push({ name: `${p.name} in the other language`, path: other.slice(new URL(site).pathname.length) });
  }
  await context.close();
  return pages;
}

/** Among the listed events, one series, one with sessions and one with a status badge. */
async function eventShapes(page, entries) {
  const found = [];
  const want = { series: '.rule', sessions: '.sessions', status: 'h1 .badge' };
  for (const h of entries.slice(0, quick ? 8 : 40)) {
    if (!Object.keys(want).length) break;
    await page.goto(new URL(h, server.origin).href);
    for (const [shape, sel] of Object.entries(want)) {
      if (await page.$(`main ${sel}`)) {
        found.push({ name: `event (${shape}) ${h.split('/').filter(Boolean).pop()}`, path: h.slice(new URL(site).pathname.length) });
        delete want[shape];
        break;
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------- checks
/** Absolute resource URLs in the document and its stylesheets, for the local-only check. */
async function resourceUrls(page) {
  return page.evaluate(() => {
    const out = [];
    const add = (u, where, base) => {
      if (!u) return;
      try {
        out.push({ url: new URL(u.trim(), base || document.baseURI).href, where });
      } catch {
        out.push({ url: u, where });
      }
    };
    const srcset = (v) => (v || '').split(',').map((s) => s.trim().split(/\s+/)[0]).filter(Boolean);
    const hints = /(^|\s)(stylesheet|preconnect|dns-prefetch|preload|prefetch|modulepreload|prerender|icon|apple-touch-icon|manifest|mask-icon)(\s|$)/i;
    for (const l of document.querySelectorAll('link[href]')) {
      if (hints.test(l.rel)) add(l.getAttribute('href'), `<link rel=${l.rel}>`);
      if (l.getAttribute('imagesrcset')) srcset(l.getAttribute('imagesrcset')).forEach((u) => add(u, '<link imagesrcset>'));
    }
    for (const el of document.querySelectorAll('script[src], img[src], iframe[src], embed[src], audio[src], video[src], source[src], track[src], input[type=image][src]')) {
      add(el.getAttribute('src'), `<${el.localName} src>`);
    }
    for (const el of document.querySelectorAll('img[srcset], source[srcset]')) srcset(el.getAttribute('srcset')).forEach((u) => add(u, `<${el.localName} srcset>`));
    for (const el of document.querySelectorAll('video[poster]')) add(el.getAttribute('poster'), '<video poster>');
    for (const el of document.querySelectorAll('object[data]')) add(el.getAttribute('data'), '<object data>');
    const cssUrls = (text, base, where) => {
      for (const m of text.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) add(m[2], where, base);
      for (const m of text.matchAll(/@import\s+(['"])([^'"]+)\1/g)) add(m[2], where, base);
    };
    for (const el of document.querySelectorAll('[style]')) cssUrls(el.getAttribute('style'), null, 'style attribute');
    const walk = (rules, base, where) => {
      for (const r of rules) {
        if (r.type === CSSRule.IMPORT_RULE) {
          add(r.href, `@import in ${where}`, base);
          if (r.styleSheet) {
            try { walk(r.styleSheet.cssRules, r.styleSheet.href || base, r.href); } catch { /* cross-origin */ }
          }
        } else if (r.cssRules) {
          walk(r.cssRules, base, where);
        }
        if (r.cssText) cssUrls(r.cssText, base, where);
      }
    };
    for (const sheet of document.styleSheets) {
      try {
        walk(sheet.cssRules, sheet.href || document.baseURI, sheet.href || '<style>');
      } catch {
        add(sheet.href, 'unreadable stylesheet');
      }
    }
    return out;
  });
}

async function axeViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(0, 2).join(' ')}`),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describe(violations) {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.join('\n  ')}`).join('\n');
}

// ---------------------------------------------------------------- tests
const pages = await discoverPages();
console.log(`# ${pages.length} pages of ${outDir} at ${site}`);

for (const p of pages) {
  await test(`a11y + local-only: ${p.name} (${p.path || '/'})`, async () => {
    const { context, requests, errors } = await newContext();
    const page = await context.newPage();
    const response = await page.goto(url(p.path), { waitUntil: 'load' });
    assert(response && (response.status() === 200 || (p.path === '404.html' && response.status() === 200)), `HTTP ${response && response.status()}`);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    const problems = [];
    const foreign = requests.filter((u) => !isLocal(u));
    if (foreign.length) problems.push(`requests to other hosts: ${[...new Set(foreign)].join(', ')}`);
    const resources = (await resourceUrls(page)).filter((r) => !isLocal(r.url));
    if (resources.length) problems.push(`resources on other hosts: ${resources.map((r) => `${r.where} ${r.url}`).join(', ')}`);
    if (errors.length) problems.push(errors.join('\n'));
    const lang = await page.getAttribute('html', 'lang');
    if (!lang) problems.push('no lang attribute on <html>');
    const v = await axeViolations(page);
    if (v.length) problems.push(describe(v));
    await context.close();
    assert(!problems.length, problems.join('\n'));
  });
}

const darkPages = pages.filter((p) => p.path === '' || p.path === 'events/' || /^(events|projects)\/[^/]+\/$/.test(p.path)).slice(0, 4);
darkPages.push(...pages.filter((p) => p.path.startsWith('embed/')).slice(0, 1));
for (const p of darkPages) {
  await test(`a11y in dark mode: ${p.name}`, async () => {
    const { context } = await newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(url(p.path));
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const v = await axeViolations(page);
    await context.close();
    assert(/rgb\((\d+), (\d+), (\d+)\)/.test(bg) && bg.match(/\d+/g).slice(0, 3).every((c) => Number(c) < 80), `dark mode background is ${bg}`);
    assert(!v.length, describe(v));
  });
}

await test('an embed renders in an iframe of a page on another port, and opens events in a new tab', async () => {
  const emb = pages.filter((p) => p.path.startsWith('embed/'));
  assert(emb.length === 3, `embeds found: ${emb.map((p) => p.path).join(', ')}`);
  const embedUrls = emb.map((p) => url(p.path));
  // A partner's page, served from another port (another origin).
  const partner = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="de"><head><title>Partner</title></head><body><h1>Partnerseite</h1>${embedUrls.map((u, i) => `<iframe src="${u}" title="Termine ${i}" width="100%" height="420" loading="lazy" style="border:0"></iframe>`).join('')}</body></html>`);
  });
  await new Promise((r) => partner.listen(0, '127.0.0.1', r));
  const partnerOrigin = `http://127.0.0.1:${partner.address().port}`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const foreign = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (isLocal(u) || u.startsWith(partnerOrigin)) return route.continue();
    foreign.push(u);
    return route.abort('blockedbyclient');
  });
  try {
    const page = await context.newPage();
    await page.goto(`${partnerOrigin}/`, { waitUntil: 'load' });
    let withEvents = null;
    for (let i = 0; i < embedUrls.length; i++) {
      const frame = page.frameLocator('iframe').nth(i);
      const heading = await frame.locator('main h1').textContent({ timeout: 5000 });
      assert(heading && heading.trim().length > 0, `embed ${i}: no heading`);
      const box = await page.locator('iframe').nth(i).boundingBox();
      assert(box && box.height > 100, `embed ${i}: iframe not laid out`);
      if (!withEvents && (await frame.locator('main li').count()) > 0) withEvents = frame;
    }
    assert(withEvents, 'no embed with events');
    // An event link opens its page in a new tab, the partner's page stays.
    const link = withEvents.locator('main li a').first();
    const href = await link.evaluate((a) => a.href);
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForLoadState('load');
    assert(popup.url() === href, `new tab at ${popup.url()}, not ${href}`);
    assert(page.url() === `${partnerOrigin}/`, `the partner page went to ${page.url()}`);
    assert(!foreign.length, `requests to other hosts: ${foreign.join(', ')}`);
  } finally {
    await context.close();
    partner.close();
  }
});

// ---------------------------------------------------------------- search
/** Types `q` into the search page's field and waits for the results it shows. */
async function searchFor(page, q) {
  await page.evaluate(() => { document.querySelector('.search-status').textContent = ''; });
  await page.fill('#search-q', q);
  return searchResults(page);
}
async function searchResults(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('.search-status').textContent;
    return s && s !== document.getElementById('search-labels').dataset.loading;
  });
  // Every result, not only the first page of them.
  while (await page.isVisible('.search-more')) {
    const n = await page.$$eval('.search-results li', (lis) => lis.length);
    await page.click('.search-more');
    await page.waitForFunction((k) => document.querySelectorAll('.search-results li').length > k, n);
  }
  return page.$$eval('.search-results li', (lis) => lis.map((li) => ({
    path: li.querySelector('h2 a').pathname,
    meta: li.querySelector('.search-meta').textContent,
  })));
}
const inSite = (p) => new URL(p, site).pathname;

for (const [n, { q, want }] of searches.entries()) {
  await test(`search: "${q}" finds ${want.join(', ')}${n === 0 ? ' (typed into the header)' : ''}`, async () => {
    const { context, requests, errors } = await newContext();
    const page = await context.newPage();
    let found;
    if (n === 0) {
      await page.goto(url('events/'));
      await page.fill('#header-q', q);
      await Promise.all([page.waitForURL(/\/search\/\?q=/), page.press('#header-q', 'Enter')]);
      found = await searchResults(page);
    } else {
      await page.goto(url('search/'));
      found = await searchFor(page, q);
    }
    const paths = found.map((r) => r.path);
    for (const w of want) assert(paths.includes(inSite(w)), `"${q}" does not find ${w}: ${paths.join(' ')}`);
    assert(found.every((r) => r.meta.length > 0), 'a result without kind, date or place');
    const upcomingLabel = await page.$eval('#search-labels', (t) => t.dataset.upcoming);
    const ranks = found.map((r) => r.meta.includes(`(${upcomingLabel})`));
    assert(ranks.indexOf(false) === -1 || ranks.lastIndexOf(true) < ranks.indexOf(false), `an upcoming event after another result: ${ranks.join(',')}`);
    assert(!requests.filter((u) => !isLocal(u)).length && !errors.length, `${requests.join(' ')} ${errors.join(' ')}`);
    await context.close();
  });
}

if (searches.length) await test('search: a word the site never uses finds nothing, and says so', async () => {
  const { context } = await newContext();
  const page = await context.newPage();
  await page.goto(url('search/'));
  assert((await searchFor(page, 'xyzzyqx')).length === 0, 'a word the site never uses finds something');
  const none = await page.$eval('#search-labels', (t) => t.dataset.none);
  assert((await page.textContent('.search-status')) === none, 'the status does not say that nothing was found');
  await context.close();
});

if (searches.length) await test('search: filters by kind, network, project and place narrow the results', async () => {
  const { context, errors } = await newContext();
  const page = await context.newPage();
  await page.goto(url('search/'));
  const all = await searchFor(page, searches[searches.length - 1].q);
  assert(all.length > 3, `the last query finds only ${all.length}`);
  for (const name of ['kind', 'network', 'project', 'place']) {
    const values = (await page.$$eval(`select[name=${name}] option`, (os) => os.map((o) => [o.value, o.textContent]))).filter(([v]) => v !== '');
    assert(values.length > 0, `the ${name} filter offers nothing`);
    let narrowed = false;
    for (const [v, label] of values) {
      await page.evaluate(() => { document.querySelector('.search-status').textContent = ''; });
      await page.selectOption(`select[name=${name}]`, v);
      const shown = await searchResults(page);
      assert(shown.every((r) => all.some((a) => a.path === r.path)), `${name}=${label} shows a result the query did not find`);
      if (name === 'kind') assert(shown.every((r) => r.meta.startsWith(label)), `kind=${label} shows another kind`);
      if (name === 'place') assert(shown.every((r) => r.meta.includes(label)), `place=${label} shows a result elsewhere`);
      if (shown.length > 0 && shown.length < all.length) narrowed = true;
    }
    assert(narrowed, `no ${name} choice narrows the ${all.length} results`);
    await page.evaluate(() => { document.querySelector('.search-status').textContent = ''; });
    await page.selectOption(`select[name=${name}]`, '');
    assert((await searchResults(page)).length === all.length, `back to every ${name} does not show all results`);
  }
  assert(!errors.length, errors.join('\n'));
  await context.close();
});

await test('pages are complete without JavaScript', async () => {
  const { context } = await newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url('events/'));
  const form = await page.$('form[data-filter]');
  assert(!form || !(await form.isVisible()), 'the filter shows without JavaScript');
  const cards = await page.$$eval('main .event-card', (cs) => cs.map((c) => c.offsetParent !== null));
  assert(cards.length > 0, 'the events listing lists no event');
  assert(cards.every(Boolean), 'an event card is hidden without JavaScript');
  await page.goto(url(''));
  const home = await page.$$eval('.events-upcoming .event-card:not([hidden])', (cs) => cs.length);
  const empty = await page.$eval('.events-upcoming .js-empty', (e) => !e.hidden).catch(() => false);
  assert(home > 0 || empty, 'the home page shows neither events nor "no events"');
  // The search page says how to browse instead, and links the listings.
  await page.goto(url('search/?q=workshops'));
  const browse = await page.$$eval('main a[href]', (as) => as.filter((a) => a.offsetParent !== null).map((a) => a.pathname));
  assert(browse.includes(inSite('events/')), `the search page without JavaScript links no listing: ${browse.join(' ')}`);
  await context.close();
});

await test('360 px wide: no sideways scrolling', async () => {
  const { context } = await newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const wide = [];
  for (const p of pages) {
    await page.goto(url(p.path));
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 360) wide.push(`${p.path || '/'}: ${w}px`);
  }
  await context.close();
  assert(!wide.length, `wider than 360 px: ${wide.join(', ')}`);
});

await test('skip link and visible focus', async () => {
  const { context } = await newContext();
  const page = await context.newPage();
  await page.goto(url(''));
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    const s = getComputedStyle(a);
    return { cls: a.className, href: a.getAttribute('href'), inView: r.left >= 0 && r.top >= 0 && r.width > 0, outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) };
  });
  assert(skip.cls.includes('skip-link') && skip.href === '#main', `first Tab lands on ${skip.cls} ${skip.href}`);
  assert(skip.inView, 'the focused skip link is not visible');
  assert(skip.outline !== 'none' && skip.outlineWidth >= 2, `no visible focus outline (${skip.outline} ${skip.outlineWidth})`);
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => document.activeElement.id || document.location.hash);
  assert(target === 'main' || target === '#main', `the skip link leads to ${target}`);
  await context.close();
});

/** The upcoming events of the listing as built, each with its event page's registration. */
async function upcomingAsBuilt() {
  const { context } = await newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url('events/'));
  const cards = await page.$$eval('[data-upcoming] .event-card', (cs) => cs.map((c) => ({
    ends: Date.parse(c.getAttribute('data-ends')),
    href: c.querySelector('a') && c.querySelector('a').pathname,
  })));
  const pastCount = await page.$$eval('[data-past] .event-card', (cs) => cs.length);
  for (const c of cards) {
    if (!c.href) continue;
    await page.goto(new URL(c.href, server.origin).href);
    c.registration = (await page.$('.js-registration')) !== null;
  }
  await context.close();
  return { cards, pastCount };
}

const built = await upcomingAsBuilt();
// The event that moves: the first to end among those with a registration button.
const mover = built.cards.filter((c) => c.registration && !Number.isNaN(c.ends)).sort((a, b) => a.ends - b.ends)[0];

async function listingState(page, href) {
  return page.evaluate((h) => {
    const card = [...document.querySelectorAll('.event-card')].find((c) => c.querySelector('a') && c.querySelector('a').pathname === h);
    return {
      found: !!card,
      inUpcoming: !!(card && card.closest('[data-upcoming]')),
      inPast: !!(card && card.closest('[data-past]')),
      pastVisible: !!(card && card.closest('[data-past]') && !card.closest('[data-past]').hidden),
      visible: !!(card && card.offsetParent !== null),
      isPast: !!(card && card.classList.contains('is-past')),
      upcoming: document.querySelectorAll('[data-upcoming] .event-card').length,
    };
  }, href);
}

await test('fixed clock (TANDEM_NOW): an event moves from upcoming to past, its registration disappears', async () => {
  assert(mover, 'the site has no upcoming event with a registration button to test with');
  const before = new Date(mover.ends - 60_000).toISOString();
  const after = new Date(mover.ends + 60_000).toISOString();
  const movedCount = built.cards.filter((c) => c.ends <= mover.ends + 60_000).length;
  let homeShown = 0;
  for (const [clock, expectPast] of [[before, false], [after, true]]) {
    const { context } = await newContext();
    await context.addInitScript(`window.TANDEM_NOW = ${JSON.stringify(clock)};`);
    const page = await context.newPage();
    await page.goto(url('events/'));
    const s = await listingState(page, mover.href);
    assert(s.found, `${mover.href} is not in the listing at ${clock}`);
    if (expectPast) {
      assert(s.inPast && s.pastVisible && s.visible && s.isPast && !s.inUpcoming, `at ${clock} ${mover.href} is not shown among past events: ${JSON.stringify(s)}`);
      assert(s.upcoming === built.cards.length - movedCount, `at ${clock} ${s.upcoming} upcoming, expected ${built.cards.length - movedCount}`);
      const order = await page.evaluate((h) => {
        const first = document.querySelector('[data-past] .event-card');
        const group = first && first.closest('.month');
        const heading = group && group.querySelector('.month-heading');
        return { first: first && first.querySelector('a') && first.querySelector('a').pathname, heading: heading ? heading.textContent.trim() : null, grouped: !!document.querySelector('[data-past][data-grouped]') };
      }, mover.href);
      assert(order.first === mover.href, `at ${clock} the newest past event is ${order.first}, not ${mover.href}`);
      assert(!order.grouped || order.heading, `at ${clock} ${mover.href} has no month heading among past events`);
      const pastNow = await page.$$eval('[data-past] .event-card', (cs) => cs.length);
      assert(pastNow === built.pastCount + movedCount, `past events: ${pastNow}, expected ${built.pastCount + movedCount}`);
    } else {
      assert(s.inUpcoming && !s.isPast && s.visible, `at ${clock} ${mover.href} is not upcoming: ${JSON.stringify(s)}`);
      assert(s.upcoming === built.cards.length, `at ${clock} ${s.upcoming} upcoming, expected ${built.cards.length}`);
    }
    await page.goto(new URL(mover.href, server.origin).href);
    const reg = await page.$('.js-registration');
    const notice = await page.$eval('.js-past-notice', (n) => !n.hidden).catch(() => null);
    if (expectPast) {
      assert(reg === null, `at ${clock} the registration button is still there`);
      assert(notice === true, `at ${clock} the event page does not say that the event is over`);
    } else {
      assert(reg !== null && (await reg.isVisible()), `at ${clock} the registration button is missing`);
      assert(notice === false, `at ${clock} the event page says the event is over`);
    }
    // The home page no longer lists it, and shows as many events as before
    // while there are enough (a held-back card takes its place).
    await page.goto(url(''));
    const home = await listingState(page, mover.href);
    const shown = await page.$$eval('.events-upcoming .event-card', (cs) => cs.filter((c) => c.offsetParent !== null).length);
    if (expectPast) {
      assert(!home.found || !home.visible, `at ${clock} the home page still lists ${mover.href}`);
      const want = Math.min(homeShown, built.cards.length - movedCount);
      assert(shown === want, `at ${clock} the home page shows ${shown} events, expected ${want}`);
    } else {
      homeShown = shown;
      assert(home.visible, `at ${clock} the home page does not list ${mover.href}`);
    }
    await context.close();
  }
});

await test('live clock (playwright clock API): the page updates itself while open', async () => {
  assert(mover, 'the site has no upcoming event with a registration button to test with');
  const { context } = await newContext();
  const page = await context.newPage();
  await page.clock.install({ time: new Date(mover.ends - 30_000) });
  await page.goto(url('events/'));
  let s = await listingState(page, mover.href);
  assert(s.inUpcoming && !s.isPast, `before its end ${mover.href} is not upcoming: ${JSON.stringify(s)}`);
  await page.clock.runFor(120_000);
  s = await listingState(page, mover.href);
  assert(s.inPast && s.visible && s.isPast, `two minutes later ${mover.href} has not moved to past: ${JSON.stringify(s)}`);
  await context.close();

  const ctx2 = await newContext();
  const event = await ctx2.context.newPage();
  await event.clock.install({ time: new Date(mover.ends - 30_000) });
  await event.goto(new URL(mover.href, server.origin).href);
  assert(await event.isVisible('.js-registration'), 'the registration button is missing before the end');
  await event.clock.runFor(120_000);
  assert((await event.$('.js-registration')) === null, 'the registration button is still there after the end');
  assert(await event.isVisible('.js-past-notice'), 'no "this event is over" notice after the end');
  await ctx2.context.close();
});

await test('the events listing filter narrows by network, project and place', async () => {
  const { context, errors } = await newContext();
  const page = await context.newPage();
  await page.goto(url('events/'));
  assert(await page.isVisible('form[data-filter]'), 'the filter form is not shown');
  const total = await page.$$eval('main .event-card', (cs) => cs.length);
  const visibleCards = () => page.$$eval('main .event-card', (cs) => cs.filter((c) => c.offsetParent !== null).map((c) => ({
    networks: (c.getAttribute('data-networks') || '').split(' '), project: c.getAttribute('data-project'), place: c.getAttribute('data-place'),
  })));
  const attr = { network: (c, v) => c.networks.includes(v), project: (c, v) => c.project === v, place: (c, v) => c.place === v };
  for (const name of ['network', 'project', 'place']) {
    const select = await page.$(`form[data-filter] select[name=${name}]`);
    assert(select, `no ${name} filter`);
    const values = (await select.$$eval('option', (os) => os.map((o) => o.value))).filter(Boolean);
    let narrowed = false;
    for (const v of values) {
      await select.selectOption(v);
      const shown = await visibleCards();
      assert(shown.length > 0, `${name}=${v} shows no event, though it is offered`);
      assert(shown.every((c) => attr[name](c, v)), `${name}=${v} shows events of another ${name}`);
      if (shown.length < total) narrowed = true;
      const q = new URL(page.url()).searchParams.get(name);
      assert(q === v, `the address does not keep ${name}=${v} (${page.url()})`);
      const emptyGroups = await page.$$eval('.month:not([hidden])', (ms) => ms.filter((m) => ![...m.querySelectorAll('.event-card')].some((c) => !c.hidden)).length);
      assert(emptyGroups === 0, `${name}=${v} leaves ${emptyGroups} month headings without events`);
      const status = await page.textContent('.filter-status');
      assert(/\d/.test(status), `no count of shown events (${status})`);
    }
    assert(narrowed, `no ${name} choice narrows the list of ${total} events`);
    await select.selectOption('');
    assert((await visibleCards()).length === total, `back to all ${name}s does not show every event`);
  }
  // Two filters at once, then the reset button.
  const net = (await page.$$eval('select[name=network] option', (os) => os.map((o) => o.value))).filter(Boolean)[0];
  await page.selectOption('select[name=network]', net);
  const places = [...new Set((await visibleCards()).map((c) => c.place))];
  await page.selectOption('select[name=place]', places[0]);
  const both = await visibleCards();
  assert(both.length > 0 && both.every((c) => c.networks.includes(net) && c.place === places[0]), 'network and place together do not intersect');
  await page.click('form[data-filter] button[type=reset]');
  await page.waitForFunction((n) => [...document.querySelectorAll('main .event-card')].every((c) => !c.hidden) && document.querySelectorAll('main .event-card').length === n, total);
  // A filtered address opens filtered.
  const proj = (await page.$$eval('select[name=project] option', (os) => os.map((o) => o.value))).filter(Boolean)[0];
  await page.goto(url(`events/?project=${encodeURIComponent(proj)}`));
  assert((await page.inputValue('select[name=project]')) === proj, 'the project in the address is not selected');
  const fromUrl = await visibleCards();
  assert(fromUrl.length > 0 && fromUrl.every((c) => c.project === proj), 'the address filter is not applied');
  assert(!errors.length, errors.join('\n'));
  await context.close();
});

await test('print stylesheet of an event page', async () => {
  const ev = pages.find((p) => /^events\/[^/]+\/$/.test(p.path) && !p.path.includes('archive'));
  assert(ev, 'no event page');
  const { context } = await newContext();
  const page = await context.newPage();
  await page.goto(url(ev.path));
  await page.emulateMedia({ media: 'print' });
  const shown = await page.evaluate(() => ({
    nav: !!document.querySelector('.site-header nav') && document.querySelector('.site-header nav').offsetParent !== null,
    when: !!document.querySelector('.fact-when') && document.querySelector('.fact-when').offsetParent !== null,
    title: document.querySelector('h1').offsetParent !== null,
  }));
  assert(!shown.nav && shown.when && shown.title, `print shows ${JSON.stringify(shown)}`);
  const pdf = await page.pdf({ format: 'A4' });
  assert(pdf.length > 1000, 'no PDF');
  await context.close();
});

// ---------------------------------------------------------------- done
await browser.close();
await server.close();
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
