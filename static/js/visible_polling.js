// Elements marked data-poll-when-visible poll (hx-trigger="every 5s") only
// while the tab is shown. An htmx trigger filter would say the same, but it
// needs eval, which the strict content security policy refuses.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element.hasAttribute("data-poll-when-visible") && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });
})();
