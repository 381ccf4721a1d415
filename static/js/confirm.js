// Forms marked data-confirm="question" ask before they submit: the strict
// content security policy forbids inline handlers, so this one listener
// does it for every such form on the page.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
