/* A form that comes back with errors: move the focus to its error summary (id "form-errors",
   templates/includes/form_error_summary.html), so a screen reader reads it at once and a keyboard
   user starts from it and follows its links to the fields. Without a summary, the first invalid
   field takes the focus. Pages without errors are left alone. */
(function () {
  "use strict";

  var target = document.getElementById("form-errors") || document.querySelector("main [aria-invalid='true']");
  if (target) {
    target.focus();
  }
})();
