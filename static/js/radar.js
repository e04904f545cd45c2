/* Draws the radar chart from the JSON the page carries (json_script). The same numbers are in
   the table beside the chart, so without JavaScript nothing is lost. No inline script: CSP holds. */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("radar");
    var source = document.getElementById("radar-data");
    if (!holder || !source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var labels = data.labels.concat([data.labels[0]]);
    var values = data.values.concat([data.values[0]]);
    function ring(value, name, dash) {
      return {
        type: "scatterpolar", mode: "lines", name: name, hoverinfo: "skip",
        r: labels.map(function () { return value; }), theta: labels,
        line: { color: "#6c757d", dash: dash, width: 1 }
      };
    }
    var traces = [
      ring(data.bands.developing, "Developing from", "dot"),
      ring(data.bands.strength, "Strength from", "dash"),
      {
        type: "scatterpolar", mode: "lines+markers", fill: "toself", name: "Your score (0–100)",
        r: values, theta: labels, text: data.names.concat([data.names[0]]),
        hovertemplate: "%{text}: %{r}<extra></extra>", connectgaps: false,
        line: { color: "#0b5ed7", width: 2 }, fillcolor: "rgba(11, 94, 215, 0.2)",
        marker: { size: 6 }
      }
    ];
    var layout = {
      polar: { radialaxis: { range: [0, 100], tickvals: [0, 25, 50, 75, 100], angle: 22.5,
                             tickangle: 22.5, tickfont: { size: 10 } },
               angularaxis: { direction: "clockwise", rotation: 90 } },
      // The caption under the chart explains the rings; a legend would crowd the axis labels.
      showlegend: false,
      margin: { l: 70, r: 70, t: 40, b: 40 }, font: { size: 12 },
      paper_bgcolor: "rgba(0,0,0,0)"
    };
    // No mode bar: its "download" button loads a blob: image, which the CSP blocks.
    window.Plotly.newPlot(holder, traces, layout, { displayModeBar: false, responsive: true, staticPlot: false });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
