// The action editor's small behaviours: rows added and removed, and the form
// shown again for a new operation or object. Listeners sit on the document, so
// they keep working after htmx replaces the form.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var kind = add.getAttribute("data-add-row");
      var template = document.getElementById("tpl-" + kind);
      var rows = document.getElementById("rows-" + kind);
      if (template && rows) {
        rows.appendChild(template.content.cloneNode(true));
        var inputs = rows.querySelectorAll("input");
        if (inputs.length) inputs[inputs.length - 2].focus();
      }
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest(".kv-row");
      var list = row && row.parentElement;
      if (row) row.remove();
      // Keep one empty row to type in.
      if (list && !list.querySelector(".kv-row")) {
        var kindOf = list.id.replace("rows-", "");
        var tpl = document.getElementById("tpl-" + kindOf);
        if (tpl) list.appendChild(tpl.content.cloneNode(true));
      }
    }
  });

  // The operation, Use Bulk and the object decide which settings and which
  // field pickers are shown: the server renders the form again for them.
  document.addEventListener("change", function (event) {
    var input = event.target.closest("[data-refresh-on]");
    if (input && window.htmx) {
      window.htmx.trigger(input.form, "refresh");
    }
  });
})();
