// Starts Swagger UI on /api/docs. A file of its own (not an inline script), so the page's
// Content-Security-Policy needs no 'unsafe-inline' for scripts.
window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui')
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    deepLinking: true,
  })
})
