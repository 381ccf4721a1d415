// The replay page: each running replay's progress bar follows its progress until it is done.
(function () {
  "use strict";
  var INTERVAL_MS = 1000;
  var LABELS = { queued: "Queued", running: "Running", done: "Done", failed: "Failed" };

  function follow(item) {
    var url = item.getAttribute("data-progress-url");
    var bar = item.querySelector("progress");
    var text = item.querySelector("[data-role=state]");
    function look() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (progress) {
          if (!progress) { return; }
          bar.value = progress.percent;
          bar.textContent = progress.percent + " %";
          text.textContent = (LABELS[progress.state] || progress.state) + ": " + progress.looked_at + " of " +
            progress.total + " events looked at, " + progress.created + " deliveries made" +
            (progress.error ? ". " + progress.error : "");
          if (progress.state === "queued" || progress.state === "running") {
            window.setTimeout(look, INTERVAL_MS);
          } else {
            item.removeAttribute("data-progress-url");
          }
        })
        .catch(function () { window.setTimeout(look, INTERVAL_MS * 5); });
    }
    look();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-url]").forEach(follow);
  });
})();
