// The export page's "Select all" toggle (django-import-export binds it with an inline handler,
// which the Content Security Policy refuses); the library's own script defines the handler.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", (event) => window.onSelectToggleChange(event));
  });
});
