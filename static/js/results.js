/* The partner's results page. The chart and table of every score sit in a fold (details) so that
   a phone shows the summary first; on a wide screen the fold starts open. A chart drawn while
   its fold was closed had no room: when the fold opens it is resized to the room it has.
   Without JavaScript the fold opens like any other, and holds the table. No inline script: the
   CSP holds. */
(function () {
  "use strict";
  var WIDE = "(min-width: 992px)";

  function fit(details) {
    if (!details.open || !window.Plotly) { return; }
    Array.prototype.forEach.call(details.querySelectorAll("[data-figure]"), function (holder) {
      if (holder.data) { window.Plotly.Plots.resize(holder); }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-open-wide]"), function (details) {
      details.addEventListener("toggle", function () { fit(details); });
      if (window.matchMedia(WIDE).matches) { details.open = true; }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
