/* Draws every chart of a page from the plotly figure it carries (json_script, built on the
   server by assessments/charts.py). Every chart has a table with the same numbers beside it, so
   without JavaScript nothing is lost. No inline script: the CSP holds.

   Team overlays: the checkboxes of a form[data-chart] switch traces, and the table rows and key
   entries marked data-series with the same key, on and off at once; the teams' table
   ([data-series-any]) shows while any team is on (the form's button does the same without
   JavaScript, by reloading the page). A chart's key (.chart-legend in its figure) shows once the
   chart is drawn: without JavaScript there is no chart to key. */
(function () {
  "use strict";
  var CONFIG = { displayModeBar: false, responsive: true };

  function draw(holder) {
    var source = document.getElementById(holder.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    if (!figure || !figure.data) { return; }
    // No mode bar: its "download" button loads a blob: image, which the CSP blocks.
    window.Plotly.newPlot(holder, figure.data, figure.layout || {}, CONFIG);
    var frame = holder.closest("figure");
    var key = frame && frame.querySelector(".chart-legend");
    if (key) { key.hidden = false; }
  }

  function wireToggles(form) {
    var holder = document.getElementById(form.getAttribute("data-chart"));
    if (!holder) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.hidden = true; }
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches("input[data-trace]")) { return; }
      var index = parseInt(box.getAttribute("data-trace"), 10);
      window.Plotly.restyle(holder, { visible: box.checked ? true : "legendonly" }, [index]);
      // The table shows the same series as the chart.
      Array.prototype.forEach.call(
        document.querySelectorAll("[data-series]"),
        function (cell) { if (cell.getAttribute("data-series") === box.value) { cell.hidden = !box.checked; } }
      );
      var anyOn = form.querySelector("input[data-trace]:checked") !== null;
      Array.prototype.forEach.call(
        document.querySelectorAll("[data-series-any]"),
        function (block) { block.hidden = !anyOn; }
      );
      // Keep the address in step, so that a reload or a shared link shows the same.
      var params = new URLSearchParams(new FormData(form));
      window.history.replaceState(null, "", "?" + params.toString());
    });
  }

  function resizeAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), function (holder) {
      if (holder.data) { window.Plotly.Plots.resize(holder); }
    });
  }

  function start() {
    if (!window.Plotly) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), draw);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-chart]"), wireToggles);
    // Printing (from a phone too) redraws the charts at the printed size, and back after.
    window.addEventListener("beforeprint", resizeAll);
    window.addEventListener("afterprint", resizeAll);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
