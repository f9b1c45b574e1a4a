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
    /* no mode bar: its icons were faint (1.7:1), its buttons added tab stops (one did
       nothing), and every page links the chart as SVG and PNG beside it */
    var config = { responsive: true, displaylogo: false, displayModeBar: false };
    var drawn = window.Plotly.newPlot(el, data, layout, config);
    if (drawn && drawn.then) { drawn.then(function () { label(el); }); } else { label(el); }
  }

  /* For assistive technology the chart is one image named by its caption (the data table
     below gives the numbers); plotly's own SVG (axis labels, node texts) is hidden from it,
     and nothing focusable is left inside what is hidden. */
  function label(el) {
    var figure = el.closest("figure");
    var caption = figure && figure.querySelector("figcaption");
    var name = el.getAttribute("data-label") || (caption ? caption.textContent : "");
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", name.replace(/\s+/g, " ").trim() || "Chart");
    Array.prototype.forEach.call(el.children, function (child) {
      child.setAttribute("aria-hidden", "true");
      Array.prototype.forEach.call(child.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"),
        function (inner) { inner.setAttribute("tabindex", "-1"); });
    });
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
