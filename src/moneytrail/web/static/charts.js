/* Charts drawn from JSON data islands (no inline scripts, so the CSP can forbid them). */
(function () {
  "use strict";
  var COLORS = { announced: "#0b5394", committed: "#e69f00", disbursed: "#1d6b2f" };
  var LABELS = { announced: "Announced", committed: "Committed", disbursed: "Spent" };

  function short(text, n) {
    return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
  }

  function reality(el, rows) {
    var narrow = el.clientWidth < 600;
    var names = rows.map(function (r) { return short(r.name, narrow ? 26 : 48); }).reverse();
    var currency = rows.length ? rows[0].currency : "EUR";
    var traces = ["disbursed", "committed", "announced"].map(function (stage) {
      return {
        type: "bar", orientation: "h", name: LABELS[stage], marker: { color: COLORS[stage] },
        y: names,
        x: rows.map(function (r) {
          var v = r[stage + "_central"];
          return v === null ? null : v / 1e9;
        }).reverse(),
        hovertemplate: "%{y}<br>" + LABELS[stage] + ": " + currency + " %{x:,.1f} bn<extra></extra>"
      };
    });
    var layout = {
      barmode: "group", bargap: 0.25, height: Math.max(360, rows.length * (narrow ? 44 : 40) + 120),
      margin: { l: narrow ? 150 : 320, r: 16, t: 8, b: 56 },
      xaxis: { title: { text: currency + " bn" }, rangemode: "tozero", gridcolor: "#dddddd" },
      yaxis: { automargin: true, tickfont: { size: narrow ? 11 : 13 } },
      legend: { orientation: "h", traceorder: "reversed", x: 0, y: -0.12, yanchor: "top" },
      font: { family: "system-ui, sans-serif", color: "#1a1a1a" },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff"
    };
    var config = { responsive: true, displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: { format: "png", filename: "moneytrail-reality-check", scale: 2 } };
    window.Plotly.newPlot(el, traces, layout, config);
  }

  function draw() {
    if (!window.Plotly) { return; }
    var charts = { "reality-chart": ["reality-data", reality] };
    Object.keys(charts).forEach(function (id) {
      var el = document.getElementById(id);
      var island = document.getElementById(charts[id][0]);
      if (!el || !island) { return; }
      charts[id][1](el, JSON.parse(island.textContent));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
