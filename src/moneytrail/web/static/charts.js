/* Every chart of the web app: a plotly figure built on the server (moneytrail/web/charts.py)
   in a JSON data island, drawn here. The same figure is what /.../chart/<name>.svg|png renders
   server-side. Under 600 px wide the figure's "narrow" changes apply (shorter labels, smaller
   margins). No inline scripts, so the CSP can forbid them. */
(function () {
  "use strict";

  function merge(target, changes) {
    Object.keys(changes).forEach(function (key) {
      var value = changes[key];
      if (value && typeof value === "object" && !Array.isArray(value) &&
          target[key] && typeof target[key] === "object" && !Array.isArray(target[key])) {
        merge(target[key], value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function plot(el, figure) {
    var data = JSON.parse(JSON.stringify(figure.data));
    var layout = JSON.parse(JSON.stringify(figure.layout));
    /* the screen decides, not the box: a Sankey's narrow form fits a phone's width */
    if (Math.min(el.clientWidth, window.innerWidth) < 600 && figure.narrow) {
      merge(layout, figure.narrow.layout || {});
      (figure.narrow.traces || []).forEach(function (changes, i) {
        if (data[i]) { merge(data[i], changes); }
      });
    }
    var config = { responsive: true, displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: { format: "png", scale: 2,
        filename: el.getAttribute("data-filename") || "moneytrail-chart" } };
    window.Plotly.newPlot(el, data, layout, config);
  }

  function draw() {
    if (!window.Plotly) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), function (el) {
      var island = document.getElementById(el.getAttribute("data-figure"));
      if (island) { plot(el, JSON.parse(island.textContent)); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
