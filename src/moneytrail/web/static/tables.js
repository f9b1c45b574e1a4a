/* Tables too wide for their box on a phone become cards: each body row a card, each cell
   labelled with its column's header (data-label, shown by site.css's table.cards rules), so
   no column (e.g. a claim's P(holds)) hides off-screen behind a sideways scroll. Cards are for
   phones only (PHONE, a viewport up to 48rem): on a wider screen a table stays a table, one
   that is still too wide scrolls sideways in its box, so its columns can be scanned. Checked
   on load, on resize and when a hidden table is shown; a table that fits stays a table.
   Without JavaScript the box scrolls sideways as before. No inline scripts, so the CSP can
   forbid them. A header cell may name its column shortly for the cards (data-short, e.g.
   "Plan 1" for a plan's long title, which a key above the table spells out), or a card
   label of its own (data-card, e.g. "Plan 1 · EU AI gigafactories": the compare page's
   figures name their plan where they stand); the header cell itself keeps the full name,
   so a screen reader still hears it. */
(function () {
  "use strict";

  function label(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) { return false; }
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var name = cell.getAttribute("data-card") || cell.getAttribute("data-short") ||
        cell.textContent.trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) { names.push(name); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          /* a cell spanning every column (e.g. "No deal matches") needs no label */
          if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) < names.length) {
            cell.setAttribute("data-label", names[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
    return true;
  }

  var PHONE = "(max-width: 48rem)";
  function phone() { return !window.matchMedia || window.matchMedia(PHONE).matches; }

  function fit() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll > table"),
      function (table) {
        if (!table.hasAttribute("data-labelled")) {
          if (!label(table)) { return; }
          table.setAttribute("data-labelled", "");
        }
        var box = table.parentNode;
        table.classList.remove("cards");
        if (phone() && box.scrollWidth > box.clientWidth + 1) { table.classList.add("cards"); }
        /* "scroll it sideways" is wrong once the table fits or shows as cards */
        var hint = box.previousElementSibling;
        if (hint && hint.classList.contains("scroll-hint")) {
          hint.hidden = box.scrollWidth <= box.clientWidth + 1;
        }
      });
  }

  var pending = null;
  function later() {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(fit, 50);
  }
  /* a table hidden at load (a closed <details>, a panel behind a toggle) is measured when
     it is shown */
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);
  document.addEventListener("change", later);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fit);
  } else {
    fit();
  }
}());
