// The action editor's small behaviours: rows added and removed, the settings
// of the chosen operation shown, and the fields of a newly chosen object
// fetched. Nothing here replaces an input, so what the marketer typed or
// chose stays whenever it happened, even before this script ran: the page
// applies the form's current state when it starts, not only on changes.
(function () {
  "use strict";

  function editorForm(element) {
    var form = element && element.form;
    return form && form.hasAttribute("data-editor") ? form : null;
  }

  // Each optional setting carries the server's rule in data-shown-for:
  // "operations that show it without Bulk/operations that show it with Bulk".
  function showSettings(form) {
    var operation = (form.elements.operation && form.elements.operation.value) || "none";
    var bulk = !!(form.elements.use_bulk && form.elements.use_bulk.checked);
    form.querySelectorAll("[data-shown-for]").forEach(function (element) {
      var rule = element.getAttribute("data-shown-for").split("/");
      element.hidden = (bulk ? rule[1] : rule[0]).split(" ").indexOf(operation) < 0;
    });
    // Other Fields offer the fields this operation can write.
    var list = document.getElementById("sf-writable-" + operation) ? "sf-writable-" + operation : "sf-writable-create";
    form.querySelectorAll("[data-writable]").forEach(function (input) {
      input.setAttribute("list", list);
    });
  }

  // A new Salesforce object: ask the server for its fields and swap the
  // pickers alone. hx-sync on the input drops an answer for an older choice.
  function fetchPickers(input) {
    var form = editorForm(input);
    if (!form || !window.htmx) return;
    input.setAttribute("data-rendered", input.value);
    window.htmx.ajax("POST", form.getAttribute("action"), {
      source: input,
      target: "#org-pickers",
      swap: "outerHTML",
      values: { _refresh: "1" },
    });
  }

  function start() {
    document.querySelectorAll("form[data-editor]").forEach(function (form) {
      showSettings(form);
      form.querySelectorAll("[data-refresh-on]").forEach(function (input) {
        if (input.value !== input.getAttribute("data-rendered")) fetchPickers(input);
      });
    });
  }

  document.addEventListener("change", function (event) {
    var form = editorForm(event.target);
    if (!form) return;
    if (event.target.matches("[data-shows-settings]")) showSettings(form);
    if (event.target.matches("[data-refresh-on]")) fetchPickers(event.target);
  });

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var kind = add.getAttribute("data-add-row");
      var template = document.getElementById("tpl-" + kind);
      var rows = document.getElementById("rows-" + kind);
      if (template && rows) {
        rows.appendChild(template.content.cloneNode(true));
        var form = rows.closest("form");
        if (form) showSettings(form);
        rows.lastElementChild.querySelector("input").focus();
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
        var tpl = document.getElementById("tpl-" + list.id.replace("rows-", ""));
        if (tpl) list.appendChild(tpl.content.cloneNode(true));
      }
      if (list && list.closest("form")) showSettings(list.closest("form"));
    }
  });

  // Deferred, this runs before htmx has set itself up on DOMContentLoaded;
  // fetching waits for that, showing settings does not need to.
  document.querySelectorAll("form[data-editor]").forEach(showSettings);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
