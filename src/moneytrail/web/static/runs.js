/* Run pages: progress polling and the location / ownership toggle. The charts themselves
   are drawn by charts.js (load it first). */
(function () {
  "use strict";
  /* -- progress of a queued or running run ---------------------------------------------- */
  function poll(box) {
    var bar = document.getElementById("run-bar");
    var status = document.getElementById("run-status");
    var label = document.getElementById("run-bar-label");
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
          if (label) {
            label.textContent = run.status === "queued" ? "Monte Carlo draws: waiting to start"
              : "Monte Carlo draws: " + (run.done || 0).toLocaleString("en") + " of " +
                run.total.toLocaleString("en") + " done";
          }
          delay = Math.min(1500, delay + 100);
          window.setTimeout(tick, delay);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
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

  function start() {
    var box = document.getElementById("run-progress");
    if (box) { poll(box); }
    if (!window.Plotly) { return; }
    toggles();            /* after charts.js has drawn the charts (scripts run in order) */
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
