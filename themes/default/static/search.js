// The search page: reads the index tandem writes below search/data/
// (see src/search.rs) from the site itself. A query's words are folded
// as the index folds them; each word matches the indexed words it starts
// (so a word being typed matches), or, when none does, the longest
// indexed word it starts with (Workshops → Workshop). Every word must
// match; events still to come rank first, then hits in the title.
(() => {
  'use strict';
  const form = document.querySelector('form[data-search]');
  if (!form) return;
  const base = form.dataset.search;
  const input = form.querySelector('input[name=q]');
  const status = document.querySelector('.search-status');
  const list = document.querySelector('.search-results');
  const more = document.querySelector('.search-more');
  const labels = document.getElementById('search-labels').dataset;
  const filters = form.querySelector('.search-filters');
  const PAGE = 20;
  const cache = new Map();
  const load = (name) => {
    if (!cache.has(name)) {
      cache.set(name, fetch(base + name).then((r) => (r.ok ? r.json() : null)).catch(() => null));
    }
    return cache.get(name);
  };
  const fold = (w) => w.toLowerCase().replace(/ä/g, 'a').replace(/ö/g, 'o').replace(/ü/g, 'u').replace(/ß/g, 'ss');
  const words = (q) => fold(q).split(/[^\p{L}\p{N}]+/u).filter((w) => [...w].length >= 2);
  const hex = (w) => [...new TextEncoder().encode([...w].slice(0, 2).join(''))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const undelta = (gaps) => { let d = 0; return gaps.map((g) => (d += g)); };

  // Typed without umlauts ("Buero" for "Büro"): the index folds "ü" to
  // "u", so a word with "ae", "oe" or "ue" is looked up that way too.
  async function matches(word) {
    const plain = word.replace(/ae/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u');
    if (plain === word || [...plain].length < 2) return matchesAsWritten(word);
    const [a, b] = await Promise.all([matchesAsWritten(word), matchesAsWritten(plain)]);
    b.docs.forEach((d) => a.docs.add(d));
    b.titles.forEach((d) => a.titles.add(d));
    return a;
  }

  async function matchesAsWritten(word) {
    const part = (await load(`w-${hex(word)}.json`)) || {};
    let hits = Object.keys(part).filter((w) => w.startsWith(word));
    if (!hits.length) {
      const shorter = Object.keys(part).filter((w) => word.startsWith(w) && w.length >= Math.max(4, word.length - 3));
      shorter.sort((a, b) => b.length - a.length);
      hits = shorter.slice(0, 1);
    }
    const docs = new Set();
    const titles = new Set();
    // A form of a stem names the word whose lists it shares.
    const lists = new Set(hits.map((w) => (typeof part[w] === 'string' ? part[part[w]] : part[w])));
    for (const [d, t] of lists) {
      undelta(d).forEach((n) => docs.add(n));
      undelta(t).forEach((n) => titles.add(n));
    }
    return { docs, titles };
  }

  let table = null;
  async function docsTable() {
    if (!table) {
      table = await load('docs.json');
      if (table) {
        const fill = (name, values) => {
          const select = form.querySelector(`select[name=${name}]`);
          [...values].map((v, i) => [v, i]).sort((a, b) => a[0].localeCompare(b[0])).forEach(([v, i]) => select.add(new Option(v, String(i))));
        };
        fill('kind', table.kinds);
        fill('network', table.networks);
        fill('project', table.projects);
        fill('place', table.places);
        filters.hidden = false;
        const params = new URLSearchParams(location.search);
        for (const name of ['kind', 'network', 'project', 'place']) {
          if (params.has(name)) form.elements[name].value = params.get(name);
        }
      }
    }
    return table;
  }

  let results = [];
  let shown = 0;
  let run = 0;
  async function search() {
    const mine = ++run;
    const qs = words(input.value);
    const t = await docsTable();
    if (mine !== run) return;
    list.replaceChildren();
    more.hidden = true;
    if (!qs.length || !t) { status.textContent = ''; return; }
    status.textContent = labels.loading;
    const found = await Promise.all(qs.map(matches));
    if (mine !== run) return;
    const want = Object.fromEntries(['kind', 'network', 'project', 'place'].map((n) => [n, form.elements[n].value]));
    const now = Date.now() / 60000;
    const keep = [...found[0].docs].filter((d) => found.every((f) => f.docs.has(d))).filter((d) => {
      const [k, , nets, projs, place] = t.docs[d];
      return (want.kind === '' || String(k) === want.kind)
        && (want.network === '' || nets.includes(Number(want.network)))
        && (want.project === '' || projs.includes(Number(want.project)))
        && (want.place === '' || String(place) === want.place);
    });
    const upcoming = (d) => t.docs[d][1] > now;
    const inTitle = (d) => found.filter((f) => f.titles.has(d)).length;
    keep.sort((a, b) => (upcoming(b) - upcoming(a))
      || (upcoming(a) && upcoming(b) ? t.docs[a][1] - t.docs[b][1] : 0)
      || inTitle(b) - inTitle(a) || a - b);
    results = keep;
    shown = 0;
    await showMore(mine);
    // Said once the first results are in the list, so that a screen
    // reader's announcement and the list agree.
    if (mine === run) status.textContent = keep.length ? labels.count.replace('%n', keep.length) : labels.none;
  }

  async function showMore(mine) {
    const next = results.slice(shown, shown + PAGE);
    const chunks = await Promise.all([...new Set(next.map((d) => Math.floor(d / table.meta_chunk)))].map(async (c) => [c, await load(`meta-${c}.json`)]));
    if (mine !== run) return;
    const meta = new Map(chunks);
    const now = Date.now() / 60000;
    for (const d of next) {
      const m = (meta.get(Math.floor(d / table.meta_chunk)) || [])[d % table.meta_chunk];
      if (!m) continue;
      const [url, title, kind, date, place, summary] = m;
      const li = list.appendChild(document.createElement('li'));
      li.className = 'search-result';
      const h = li.appendChild(document.createElement('h2'));
      const a = h.appendChild(document.createElement('a'));
      a.href = url;
      a.textContent = title;
      const p = li.appendChild(document.createElement('p'));
      p.className = 'search-meta';
      const upcoming = table.docs[d][1] > now;
      p.textContent = [kind + (upcoming ? ` (${labels.upcoming})` : ''), date, place].filter(Boolean).join(' · ');
      if (summary) li.appendChild(document.createElement('p')).textContent = summary;
    }
    shown += next.length;
    more.hidden = shown >= results.length;
  }

  let timer = 0;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 150); });
  form.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') search(); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    params.set('q', input.value);
    for (const n of ['kind', 'network', 'project', 'place']) if (form.elements[n].value) params.set(n, form.elements[n].value);
    history.replaceState(null, '', `?${params}`);
    search();
  });
  more.addEventListener('click', () => showMore(run));
  input.value = new URLSearchParams(location.search).get('q') || '';
  docsTable().then(() => (input.value ? search() : null));
})();
