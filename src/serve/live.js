// tandem serve: reloads the page when the site was rebuilt, and shows the
// build's errors over the page while the site is broken. Injected only by
// `tandem serve`; `tandem build` never writes it.
(function () {
  "use strict";
  var script = document.currentScript;
  var seen = -1; // the rebuild count this page knows of (-1: ask at once)
  var siteVersion = script ? Number(script.getAttribute("data-site-version")) : -1;
  var overlay = null;

  function show(errors) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "tandem-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#f8f8f2;padding:2rem;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      var title = document.createElement("h2");
      title.style.cssText = "margin:0 0 1rem;color:#ff6b6b;font:bold 18px sans-serif;";
      title.textContent = "tandem: the site has errors — the last good version stays served";
      overlay.appendChild(title);
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0;";
      overlay.appendChild(pre);
      var hint = document.createElement("p");
      hint.style.cssText = "color:#aaa;font:13px sans-serif;";
      hint.textContent = "Fix the file and save: this page updates by itself.";
      overlay.appendChild(hint);
      document.documentElement.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = errors.join("\n");
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function poll() {
    fetch("/__tandem/wait?version=" + seen, { cache: "no-store" })
      .then(function (r) {
        return r.json();
      })
      .then(function (s) {
        seen = s.version;
        if (s.ok) {
          if (s.site_version !== siteVersion) {
            location.reload();
            return;
          }
          hide();
        } else {
          show(s.errors);
        }
        poll();
      })
      .catch(function () {
        // The server restarts or is gone: try again shortly.
        setTimeout(poll, 1000);
      });
  }

  poll();
})();
