// tandem default theme: small enhancements; every page is complete without them.
// 1. A static site is read for weeks after its build: events whose end has
//    passed since then move from "upcoming" to "past", and their
//    registration buttons disappear. Every dated element carries its end
//    instant in `data-ends`.
// 2. The events listing gets a filter by network, project and place.
(function () {
  "use strict";
  var now = (window.TANDEM_NOW ? new Date(window.TANDEM_NOW) : new Date()).getTime();
  function ended(el) {
    var t = Date.parse(el.getAttribute("data-ends") || "");
    return !isNaN(t) && t <= now;
  }
  document.querySelectorAll(".js-registration[data-ends]").forEach(function (el) {
    if (ended(el)) { el.remove(); }
  });
  document.querySelectorAll(".event.is-past, article.event[data-ends]").forEach(function (el) {
    if (ended(el)) { el.classList.add("is-past"); }
  });
  document.querySelectorAll("[data-upcoming]").forEach(function (upcoming) {
    var scope = upcoming.parentElement;
    var past = scope.querySelector("[data-past] .event-list");
    upcoming.querySelectorAll(".event-card[data-ends]").forEach(function (card) {
      if (!ended(card)) { return; }
      card.classList.add("is-past");
      if (past) { past.insertBefore(card, past.firstChild); } else { card.hidden = true; }
    });
    upcoming.querySelectorAll(".month").forEach(function (m) {
      if (!m.querySelector(".event-card")) { m.hidden = true; }
    });
  });
  var home = document.querySelector(".kind-home [aria-labelledby='upcoming-heading']");
  if (home) {
    home.querySelectorAll(".event-card[data-ends]").forEach(function (card) { if (ended(card)) { card.hidden = true; } });
    var left = home.querySelectorAll(".event-card:not([hidden])").length;
    var empty = home.querySelector(".js-empty");
    if (empty && left === 0 && home.querySelector(".event-card")) { empty.hidden = false; }
  }

  var form = document.querySelector("form[data-filter]");
  if (form) {
    form.hidden = false;
    var cards = Array.prototype.slice.call(document.querySelectorAll(".event-list .event-card"));
    var none = form.querySelector(".js-no-matches");
    var apply = function () {
      var net = form.elements.network ? form.elements.network.value : "";
      var proj = form.elements.project ? form.elements.project.value : "";
      var place = form.elements.place ? form.elements.place.value : "";
      var shown = 0;
      cards.forEach(function (c) {
        var ok = (!net || (" " + c.getAttribute("data-networks") + " ").indexOf(" " + net + " ") >= 0) &&
          (!proj || c.getAttribute("data-project") === proj) &&
          (!place || c.getAttribute("data-place") === place);
        c.hidden = !ok;
        if (ok) { shown++; }
      });
      document.querySelectorAll(".month").forEach(function (m) {
        m.hidden = !m.querySelector(".event-card:not([hidden])");
      });
      if (none) { none.hidden = shown !== 0; }
    };
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  }
})();
