/* A form that comes back with errors: move the focus to its error summary (id "form-errors"), so a
   screen reader reads it at once and a keyboard user starts from it. A form without a summary (the
   search filters, whose errors come from an edited link) focuses its first invalid field instead,
   which announces the field and its message. Pages without errors are left alone. */
(function () {
  "use strict";

  var target = document.getElementById("form-errors") || document.querySelector("main [aria-invalid='true']");
  if (target) {
    target.focus();
  }
})();
