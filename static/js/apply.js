/* Application forms and the status page: mark which documents the chosen program asks for, warn
   early about oversized files, and ignore a second click on submit (form-errors.js, on every page,
   focuses the error summary).
   Everything here is an enhancement: the forms work the same without it. */
(function () {
  "use strict";

  var MAX_BYTES = 10 * 1024 * 1024;
  var MAX_FILES = 8;

  // Oversized files: say so at once instead of after a long upload. The server checks again.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files) {
      return;
    }
    var tooLarge = Array.prototype.filter.call(input.files, function (file) {
      return file.size > MAX_BYTES;
    });
    var chosen = 0;
    if (input.form) {
      Array.prototype.forEach.call(input.form.querySelectorAll("input[type='file']"), function (other) {
        chosen += other.files ? other.files.length : 0;
      });
    }
    var problem = "";
    if (tooLarge.length) {
      problem = "“" + tooLarge[0].name + "” is larger than 10 MB; each file may be at most 10 MB.";
    } else if (chosen > MAX_FILES) {
      problem = "You have chosen " + chosen + " files; an application holds at most " + MAX_FILES + ".";
    }
    input.setCustomValidity(problem);
    if (problem) {
      input.reportValidity();
    }
  });

  // One submission per click: a second submit while the first is under way does nothing.
  Array.prototype.forEach.call(document.querySelectorAll("main form[method='post']"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      form.setAttribute("aria-busy", "true");
    });
  });
  // Coming back with the Back button: the form is usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
    });
  });

  // Document inputs: required, optional or not asked for by the chosen program.
  var form = document.getElementById("application-form");
  var data = document.getElementById("document-requirements");
  if (!form || !data) {
    return;
  }
  var requirements = JSON.parse(data.textContent);
  var inputs = form.querySelectorAll("input[data-document-kind]");

  function tagFor(input) {
    var label = form.querySelector("label[for='" + input.id + "']");
    if (!label) {
      return null;
    }
    var tag = label.querySelector(".requirement-tag");
    if (!tag) {
      tag = document.createElement("span");
      tag.className = "requirement-tag";
      label.appendChild(tag);
    }
    return tag;
  }

  function update() {
    var checked = form.querySelector("input[name='program']:checked");
    var needs = checked ? requirements[checked.value] || {} : null;
    Array.prototype.forEach.call(inputs, function (input) {
      var wrapper = input.closest("[id^='div_']");
      var tag = tagFor(input);
      var state = needs ? needs[input.name] || "none" : null;
      if (wrapper) {
        // Hide what the program does not ask for, unless a file is already chosen there.
        wrapper.hidden = state === "none" && !input.value;
      }
      if (tag) {
        tag.textContent = state === "required" ? "(required)" : state === "optional" ? "(optional)" : "";
        tag.classList.toggle("is-required", state === "required");
      }
      if (state === "required") {
        input.setAttribute("aria-required", "true");
      } else {
        input.removeAttribute("aria-required");
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "program") {
      update();
    }
  });
  update();
})();
