/* Error summary links (form_macros.error_summary): following one focuses its input and
   scrolls the input's whole field into view, label, hint and error message first (h219: on a
   375 px phone the browser put the input at the very top of the screen, its label and
   message above it, out of sight). A field in a closed <details> is shown first. Without
   JavaScript the link still leads to the input; site.css keeps some room above it. No
   inline script, so the CSP can forbid them. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    var fold = target.closest("details");
    while (fold) {
      fold.open = true;
      fold = fold.parentElement ? fold.parentElement.closest("details") : null;
    }
    var box = target.closest(".field") || target.closest("fieldset") || target;
    event.preventDefault();
    box.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + target.id);
    }
  });
}());
