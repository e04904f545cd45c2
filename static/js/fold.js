/* The framework page on a phone: each characteristic folds (details/summary). Without
   JavaScript they all stay open; with it, all but the one the address points to are closed,
   and "Open all" / "Close all" buttons appear. No inline script: the CSP holds. */
(function () {
  "use strict";
  var all = document.querySelectorAll("details.characteristic");
  if (!all.length) { return; }
  function openTarget() {
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    var holder = target ? target.closest("details.characteristic") : null;
    if (holder) { holder.open = true; }
  }
  Array.prototype.forEach.call(all, function (details) { details.open = false; });
  openTarget();
  window.addEventListener("hashchange", openTarget);
  var controls = document.querySelector(".fold-controls");
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-fold]");
      if (!button) { return; }
      var open = button.getAttribute("data-fold") === "open";
      Array.prototype.forEach.call(all, function (details) { details.open = open; });
    });
  }
}());
