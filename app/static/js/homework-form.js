// The homework form, progressively enhanced (everything here also works without JavaScript):
// - the error summary takes the focus on load (for browsers that ignore autofocus on it), and
//   its links move the focus to the field, not just the scroll position;
// - "Add another link" adds an empty evidence row in place instead of saving and reloading.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    if (document.activeElement !== summary) { summary.focus(); }
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + target.id + "']");
      (label || target).scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  var rows = document.querySelector("[data-evidence-rows]");
  var button = document.querySelector("[data-add-row]");
  if (!rows || !button) { return; }
  var max = parseInt(rows.getAttribute("data-max"), 10) || 10;
  var message = document.querySelector("[data-max-message]");

  function count() { return rows.querySelectorAll("[data-evidence-row]").length; }

  function atMax() {
    if (count() < max) { return false; }
    button.hidden = true;
    button.style.display = "none"; // the site's button style would override [hidden]
    if (message) { message.hidden = false; }
    return true;
  }

  // A copy of the last row, emptied and renumbered (evidence-N-url, evidence-N-note), with
  // the server's error marks left behind.
  function emptyRow(index) {
    var all = rows.querySelectorAll("[data-evidence-row]");
    var row = all[all.length - 1].cloneNode(true);
    var rename = function (value) { return value.replace(/evidence-\d+-/g, "evidence-" + index + "-"); };
    row.querySelectorAll(".error").forEach(function (node) { node.remove(); });
    row.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
    row.querySelectorAll("[id]").forEach(function (node) { node.id = rename(node.id); });
    row.querySelectorAll("label[for]").forEach(function (node) { node.htmlFor = rename(node.htmlFor); });
    row.querySelectorAll("input, textarea").forEach(function (input) {
      input.name = rename(input.name);
      input.value = "";
      input.removeAttribute("aria-invalid");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !/-error$/.test(id);
      }).map(rename);
      if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
    });
    return row;
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (atMax()) { return; }
    var inputs = rows.querySelectorAll("[data-evidence-row] input[name$='-url']");
    var next = 0;
    inputs.forEach(function (input) {
      var n = parseInt(input.name.split("-")[1], 10);
      if (n >= next) { next = n + 1; }
    });
    var row = emptyRow(next);
    rows.appendChild(row);
    row.querySelector("input").focus();
    atMax();
  });
  atMax();
})();
