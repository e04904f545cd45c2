/* The shared results page keeps itself up to date: every few seconds it asks the page's
   "updated" URL for a stamp, and reloads when the stamp differs from the one the page was drawn
   with (or when the link stops working: the reload then shows what to do). A button pauses
   and resumes the checks (WCAG 2.2.1, timing adjustable); a polite live region says what
   happens. Without JavaScript the page keeps its "Check for updates" link. No meta refresh. */
(function () {
  "use strict";
  var box = document.querySelector("[data-shared-refresh]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-updated-url");
  var stamp = box.getAttribute("data-stamp");
  var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 20;
  var toggle = box.querySelector("[data-refresh-toggle]");
  var note = box.querySelector("[data-refresh-note]");
  var auto = box.querySelector("[data-refresh-auto]");
  var PAUSED_KEY = "shared-refresh-paused";
  var timer = null;
  var paused = false;
  try { paused = window.sessionStorage.getItem(PAUSED_KEY) === "1"; } catch (e) { paused = false; }

  function say(text) { if (note) { note.textContent = text; } }

  function show() {
    toggle.textContent = paused ? "Resume updates" : "Pause updates";
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
  }

  function check() {
    timer = null;
    window.fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) { return { stamp: null }; }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (paused) { return; }
        if (data.stamp !== stamp) {
          say("The results have changed: loading them.");
          window.location.reload();
          return;
        }
        schedule();
      })
      .catch(function () {
        say("Could not check for updates just now: trying again shortly.");
        schedule();
      });
  }

  function schedule() {
    if (!paused && timer === null) { timer = window.setTimeout(check, seconds * 1000); }
  }

  toggle.hidden = false;
  if (auto) { auto.hidden = false; }
  show();
  toggle.addEventListener("click", function () {
    paused = !paused;
    try { window.sessionStorage.setItem(PAUSED_KEY, paused ? "1" : "0"); } catch (e) { /* private mode */ }
    if (paused) {
      if (timer !== null) { window.clearTimeout(timer); timer = null; }
      say("Updates paused. The page will not change until you resume them.");
    } else {
      say("Updates resumed.");
      schedule();
    }
    show();
  });
  schedule();
})();
