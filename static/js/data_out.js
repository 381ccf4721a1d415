// Data Out's small behaviours. Listeners sit on the document, so they keep
// working after htmx swaps parts of the page.
(function () {
  "use strict";

  // The From and To dates count only for a custom range: for any other
  // choice they are hidden, out of the tab order, and not sent with the form.
  function followRange(select) {
    var custom = select.value === "custom";
    select.form.querySelectorAll("[data-range-date]").forEach(function (label) {
      label.hidden = !custom;
      label.querySelectorAll("input").forEach(function (input) {
        input.disabled = !custom;
      });
    });
  }

  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-custom-range]");
    if (select) followRange(select);
  });

  // A poll refreshes the counts around the rows; a part the reader has open
  // (the "Retry all failed" confirmation) is left as it is until closed.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.querySelector("details[open]")) {
      event.detail.shouldSwap = false;
    }
  });
})();
