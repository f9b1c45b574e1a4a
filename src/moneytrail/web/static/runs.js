/* Run pages: progress polling, Sankey charts and the compare chart, drawn from JSON data
   islands (no inline scripts, so the CSP can forbid them). */
(function () {
  "use strict";
  var FONT = { family: "system-ui, sans-serif", color: "#1a1a1a" };
  var PALETTE = ["#0b5394", "#e69f00", "#1d6b2f", "#a3151a", "#6a3d9a", "#b15928",
                 "#1f78b4", "#33a02c", "#7a5200", "#4a4a4a"];

  function money(value, currency) {
    var units = [[1e12, " tn"], [1e9, " bn"], [1e6, " m"], [1e3, " k"]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(value) >= units[i][0]) {
        return currency + " " + (value / units[i][0]).toFixed(1) + units[i][1];
      }
    }
    return currency + " " + value.toFixed(0);
  }

  function short(text, n) {
    return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
  }

  /* -- progress of a queued or running run ---------------------------------------------- */
  function poll(box) {
    var bar = document.getElementById("run-bar");
    var status = document.getElementById("run-status");
    var api = box.getAttribute("data-api");
    var delay = 400;
    function tick() {
      fetch(api, { headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (run) {
          if (run.status === "done" || run.status === "error") {
            status.textContent = run.status === "done" ? "Done. Loading the result\u2026"
              : "The run failed.";
            window.location.reload();
            return;
          }
          if (run.total) { bar.max = run.total; }
          bar.value = run.done || 0;
          bar.textContent = (run.done || 0) + " of " + run.total;
          status.textContent = run.status === "queued" ? "Waiting for a free worker\u2026"
            : (run.done || 0).toLocaleString("en") + " of " + run.total.toLocaleString("en") +
              " draws done.";
          delay = Math.min(1500, delay + 100);
          window.setTimeout(tick, delay);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  /* -- Sankey charts ---------------------------------------------------------------------- */
  function sankey(el, data) {
    var narrow = el.clientWidth < 600;
    var index = {};
    data.nodes.forEach(function (n, i) { index[n] = i; });
    var labels = (data.labels || data.nodes).map(function (n) { return short(n, narrow ? 26 : 48); });
    var colors = data.nodes.map(function (n, i) { return PALETTE[i % PALETTE.length]; });
    var trace = {
      type: "sankey", orientation: "h", arrangement: "snap",
      valueformat: ",.3s", valuesuffix: " " + data.currency,
      node: { label: labels, color: colors, pad: narrow ? 8 : 14, thickness: narrow ? 12 : 18,
              line: { color: "#ffffff", width: 0.5 },
              customdata: data.nodes, hovertemplate: "%{customdata}<br>%{value}<extra></extra>" },
      link: {
        source: data.links.map(function (l) { return index[l.source]; }),
        target: data.links.map(function (l) { return index[l.target]; }),
        value: data.links.map(function (l) { return l.value; }),
        color: "rgba(11,83,148,0.18)",
        customdata: data.links.map(function (l) {
          return l.source + " \u2192 " + l.target + ": " + money(l.value, data.currency);
        }),
        hovertemplate: "%{customdata}<extra></extra>"
      }
    };
    var height = Math.max(narrow ? 520 : 420, Math.min(900, data.nodes.length * (narrow ? 26 : 22)));
    var layout = { height: height, margin: { l: 4, r: 4, t: 8, b: 8 }, font: FONT,
                   paper_bgcolor: "#ffffff" };
    var config = { responsive: true, displaylogo: false,
      toImageButtonOptions: { format: "png", filename: "moneytrail-" + el.id, scale: 2 } };
    window.Plotly.newPlot(el, [trace], layout, config);
  }

  function toggles() {
    var groups = document.querySelectorAll("fieldset[data-toggle]");
    Array.prototype.forEach.call(groups, function (group) {
      var section = group.parentNode;
      function show() {
        var chosen = group.querySelector("input:checked").value;
        Array.prototype.forEach.call(section.querySelectorAll("[data-panel]"), function (p) {
          p.hidden = p.getAttribute("data-panel") !== chosen;
          if (!p.hidden) {
            Array.prototype.forEach.call(p.querySelectorAll(".js-plotly-plot"), function (c) {
              window.Plotly.Plots.resize(c);
            });
          }
        });
      }
      group.addEventListener("change", show);
      group.hidden = false;
      show();
    });
  }

  /* -- compare chart ---------------------------------------------------------------------- */
  function compare(el, data) {
    var narrow = el.clientWidth < 600;
    var rows = data.rows.slice().reverse();
    var traces = data.runs.map(function (run, k) {
      var key = "run" + (k + 1);
      return {
        type: "bar", orientation: "h", name: short(run.title, narrow ? 30 : 60),
        marker: { color: PALETTE[k % PALETTE.length] },
        y: rows.map(function (r) { return short(r.label, narrow ? 24 : 44); }),
        x: rows.map(function (r) { return r[key + "_p50"] * 100; }),
        error_x: { type: "data", symmetric: false, color: "#1a1a1a", thickness: 1,
          array: rows.map(function (r) { return (r[key + "_p95"] - r[key + "_p50"]) * 100; }),
          arrayminus: rows.map(function (r) { return (r[key + "_p50"] - r[key + "_p5"]) * 100; }) },
        hovertemplate: "%{y}: %{x:.1f} %<extra>" + short(run.title, 40) + "</extra>"
      };
    });
    var layout = {
      barmode: "group", height: Math.max(380, rows.length * data.runs.length * 18 + 140),
      margin: { l: narrow ? 150 : 300, r: 16, t: 8, b: 56 }, font: FONT,
      xaxis: { title: { text: "% of the plan's spending" }, rangemode: "tozero",
               gridcolor: "#dddddd" },
      yaxis: { automargin: true, tickfont: { size: narrow ? 10 : 13 } },
      legend: { orientation: "h", x: 0, y: -0.12, yanchor: "top" },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff"
    };
    window.Plotly.newPlot(el, traces, layout, { responsive: true, displaylogo: false });
  }

  function start() {
    var box = document.getElementById("run-progress");
    if (box) { poll(box); }
    if (!window.Plotly) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-sankey]"), function (el) {
      var island = document.getElementById(el.getAttribute("data-sankey"));
      if (island) { sankey(el, JSON.parse(island.textContent)); }
    });
    toggles();
    var chart = document.getElementById("compare-chart");
    var island = document.getElementById("compare-data");
    if (chart && island) { compare(chart, JSON.parse(island.textContent)); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
