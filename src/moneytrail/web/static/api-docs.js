/* Starts Swagger UI (the swagger-ui-bundle package's files, served under /static/swagger-ui)
   on the API's OpenAPI description. A file of its own, not an inline script, so the CSP can
   forbid inline scripts. validatorUrl null: no badge fetched from another site. */
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || typeof window.SwaggerUIBundle !== "function") { return; }
  var plain = document.getElementById("plain-reference");
  if (plain) { plain.open = false; }
  window.SwaggerUIBundle({
    url: box.getAttribute("data-spec"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
}());
