// Trainings: show each event's time in the visitor's own time zone, beside the event's zone and UTC.
// The page is complete without this; it only adds the "Your time" line.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var dayAndTime = new Intl.DateTimeFormat(undefined, {
    weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit"
  });
  var timeOnly = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZoneName: "short" });

  document.querySelectorAll(".event-when").forEach(function (list) {
    var startElement = list.querySelector("[data-event-start]");
    var endElement = list.querySelector("[data-event-end]");
    var target = list.querySelector("[data-your-time]");
    if (!startElement || !endElement || !target) {
      return;
    }
    var start = new Date(startElement.getAttribute("datetime"));
    var end = new Date(endElement.getAttribute("datetime"));
    if (isNaN(start.getTime()) || isNaN(end.getTime())) {
      return;
    }
    target.textContent = dayAndTime.format(start) + " – " + timeOnly.format(end);
    list.querySelectorAll(".your-time").forEach(function (element) {
      element.hidden = false;
    });
  });
})();
