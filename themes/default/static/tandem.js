// tandem default theme: small enhancements. Every page is complete without
// them; nothing here loads anything.
//
// 1. Moving past. A static site is built once and read for weeks. Every
//    dated element carries the instant it is over in `data-ends` (ISO 8601).
//    Once that instant has passed, the element gets the class `is-past`;
//    besides:
//    - an event card in a list marked `data-upcoming="ID"` moves to the list
//      of the element with that id (the "past" section), into its month
//      group when that section is `data-grouped`, newest first; with an
//      empty `data-upcoming` it is removed (the home page), and a hidden
//      `.js-spare` card takes its place;
//    - a registration button (`.js-registration`) is removed;
//    - a date of "next dates" (`.js-next li`) is removed;
//    - an event page (`article.event`) shows its `.js-past-notice` and
//      hides its `.js-hide-when-past` elements (e.g. "booked out").
//    The clock is the browser's; `window.TANDEM_NOW` (a Date, milliseconds
//    or a date string), set before this script runs, fixes it for tests.
//    While the page stays open, it updates again when the next event ends.
// 2. The events listing's filter (`form[data-filter]`): by network, project
//    and place, kept in the address (?network=…&project=…&place=…).
(function () {
  "use strict";
  var doc = document;
  var MAX_DELAY = 2147483647; // setTimeout's limit (about 24.8 days)
  var timer = null;

  function fixedNow() {
    var o = window.TANDEM_NOW;
    if (o === undefined || o === null || o === "") { return NaN; }
    var t = o instanceof Date ? o.getTime() : typeof o === "number" ? o : Date.parse(String(o));
    return typeof t === "number" ? t : NaN;
  }

  function now() {
    var t = fixedNow();
    return isNaN(t) ? Date.now() : t;
  }

  function endsAt(el) {
    var v = el.getAttribute("data-ends");
    return v ? Date.parse(v) : NaN;
  }

  function all(sel, root) {
    return Array.prototype.slice.call((root || doc).querySelectorAll(sel));
  }

  function cardsIn(root) {
    return all(".event-card", root);
  }

  function visible(el) {
    return !el.hidden;
  }

  // Inserts a card into a past list, newest end first.
  function insertByEnd(list, card) {
    var t = endsAt(card);
    var items = cardsIn(list);
    for (var i = 0; i < items.length; i++) {
      var u = endsAt(items[i]);
      if (isNaN(u) || u < t) { list.insertBefore(card, items[i]); return; }
    }
    list.appendChild(card);
  }

  // The month group of `month` in a grouped past section, made on demand
  // after the model of the group the card comes from.
  function pastGroup(past, month, from) {
    var groups = all(".month[data-month]", past);
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].getAttribute("data-month") === month) { return groups[i]; }
    }
    var box = past.querySelector(".months") || past;
    var group = doc.createElement("section");
    group.className = "month";
    group.setAttribute("data-month", month);
    var heading = from && from.querySelector(".month-heading");
    if (heading) {
      var h = heading.cloneNode(true);
      h.id = "p-" + month;
      group.setAttribute("aria-labelledby", h.id);
      group.appendChild(h);
    }
    var ul = doc.createElement("ul");
    ul.className = "event-list";
    group.appendChild(ul);
    var before = null;
    for (var j = 0; j < groups.length; j++) {
      if (groups[j].getAttribute("data-month") < month) { before = groups[j]; break; }
    }
    box.insertBefore(group, before);
    return group;
  }

  function moveCard(card, upcoming) {
    var target = upcoming.getAttribute("data-upcoming");
    var past = target ? doc.getElementById(target) : null;
    if (!past) {
      card.parentNode.removeChild(card);
      return;
    }
    var list = null;
    if (past.hasAttribute("data-grouped")) {
      var month = card.getAttribute("data-month") || "";
      var group = pastGroup(past, month, card.closest(".month"));
      list = group.querySelector(".event-list");
    } else {
      list = past.querySelector(".event-list");
      if (!list) {
        list = doc.createElement("ul");
        list.className = "event-list";
        past.appendChild(list);
      }
    }
    insertByEnd(list, card);
    past.hidden = false;
  }

  // Month groups without a visible card are hidden (and shown again).
  function tidyGroups() {
    all(".month").forEach(function (m) {
      m.hidden = !cardsIn(m).some(visible);
    });
  }

  function update() {
    var t = now();
    var ended = function (el) {
      var e = endsAt(el);
      return !isNaN(e) && e <= t;
    };
    all("[data-ends]").forEach(function (el) {
      if (ended(el)) { el.classList.add("is-past"); }
    });
    all(".js-registration[data-ends]").forEach(function (el) {
      if (ended(el)) { el.parentNode.removeChild(el); }
    });
    all(".js-next").forEach(function (box) {
      all("li[data-ends]", box).forEach(function (li) {
        if (ended(li)) { li.parentNode.removeChild(li); }
      });
      if (!box.querySelector("li")) { box.hidden = true; }
    });
    all("article.event[data-ends]").forEach(function (a) {
      if (!ended(a)) { return; }
      all(".js-past-notice", a).forEach(function (n) { n.hidden = false; });
      all(".js-hide-when-past", a).forEach(function (n) { n.hidden = true; });
    });
    all("[data-upcoming]").forEach(function (upcoming) {
      cardsIn(upcoming).forEach(function (card) {
        if (ended(card)) { moveCard(card, upcoming); }
      });
      // Hidden spare cards fill the places of those that left.
      var shown = cardsIn(upcoming).filter(function (c) { return !c.classList.contains("js-spare"); }).length;
      all(".js-spare", upcoming).forEach(function (spare) {
        if (shown < countOf(upcoming)) {
          spare.classList.remove("js-spare");
          spare.hidden = false;
          shown++;
        }
      });
      var empty = upcoming.querySelector(".js-empty");
      if (empty) { empty.hidden = cardsIn(upcoming).length > 0; }
    });
    tidyGroups();
    if (filter) { filter.apply(); }
    schedule(t);
  }

  // How many cards a list with spares is meant to show: as many as it showed
  // at the build.
  function countOf(upcoming) {
    var n = upcoming.getAttribute("data-count");
    if (n === null) {
      n = String(cardsIn(upcoming).filter(function (c) { return !c.classList.contains("js-spare"); }).length);
      upcoming.setAttribute("data-count", n);
    }
    return parseInt(n, 10);
  }

  // Updates again when the next dated element ends, unless the clock is fixed.
  function schedule(t) {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (!isNaN(fixedNow())) { return; }
    var next = Infinity;
    all("[data-ends]").forEach(function (el) {
      var e = endsAt(el);
      if (!isNaN(e) && e > t && e < next) { next = e; }
    });
    if (next === Infinity) { return; }
    timer = setTimeout(update, Math.min(next - t + 1000, MAX_DELAY));
  }

  // The listing filter.
  var filter = null;
  var form = doc.querySelector("form[data-filter]");
  if (form) {
    var fields = ["network", "project", "place"].filter(function (n) { return form.elements[n]; });
    var count = form.querySelector(".js-filter-count");
    var none = form.querySelector(".js-no-matches");
    var params = null;
    try { params = new URLSearchParams(window.location.search); } catch (e) { params = null; }
    fields.forEach(function (n) {
      var v = params && params.get(n);
      var select = form.elements[n];
      if (v && all("option", select).some(function (o) { return o.value === v; })) { select.value = v; }
    });
    var matches = function (card, n, v) {
      if (!v) { return true; }
      if (n === "network") {
        return (" " + (card.getAttribute("data-networks") || "") + " ").indexOf(" " + v + " ") >= 0;
      }
      return card.getAttribute("data-" + n) === v;
    };
    filter = {
      apply: function () {
        var chosen = fields.map(function (n) { return [n, form.elements[n].value]; });
        var cards = all("main .event-card:not(.js-spare)");
        var shown = 0;
        cards.forEach(function (c) {
          var ok = chosen.every(function (p) { return matches(c, p[0], p[1]); });
          c.hidden = !ok;
          if (ok) { shown++; }
        });
        tidyGroups();
        var active = chosen.some(function (p) { return p[1]; });
        if (count) {
          count.textContent = active ? (count.getAttribute("data-pattern") || "%n / %m").replace("%n", shown).replace("%m", cards.length) : "";
        }
        if (none) { none.hidden = !(active && shown === 0); }
        return active;
      }
    };
    var changed = function () {
      filter.apply();
      if (window.history && window.history.replaceState) {
        var q = fields.map(function (n) {
          var v = form.elements[n].value;
          return v ? encodeURIComponent(n) + "=" + encodeURIComponent(v) : "";
        }).filter(Boolean).join("&");
        window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
      }
    };
    form.addEventListener("change", changed);
    form.addEventListener("reset", function () { setTimeout(changed, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); changed(); });
    form.hidden = false;
  }

  all("[data-upcoming]").forEach(countOf);
  update();
  doc.addEventListener("visibilitychange", function () {
    if (!doc.hidden) { update(); }
  });
  // A page restored from the back/forward cache may be days old.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { update(); }
  });
  window.tandem = { update: update, now: now };
})();
