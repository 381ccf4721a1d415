// The write-key page's Copy button, for the key that is shown only once.
// Hidden without scripts; where the clipboard API is missing (a plain-http
// address other than localhost), it selects the key and copies the selection.
(function () {
  "use strict";
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function copy(element) {
    var text = element.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    selectText(element);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function setUp() {
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      var status = button.parentElement.querySelector(".copy-status");
      if (!source) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(source).then(
          function () { if (status) status.textContent = "Copied."; },
          function () {
            selectText(source);
            if (status) status.textContent = "Selected: press Ctrl-C (or ⌘-C) to copy it.";
          }
        );
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
