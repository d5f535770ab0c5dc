// Keyboard shortcuts for the review desk. The pages work without this file.
// Queue: j/k move the selection, Enter or o opens it.
// Claim: c confirms the machine verdict and moves on, n next claim, j/k next/previous.
(function () {
  "use strict";

  function typing(ev) {
    var t = ev.target;
    if (!t) { return false; }
    if (t.tagName === "INPUT") { return !/^(radio|checkbox|button|submit|reset)$/.test(t.type); }
    return t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT";
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link) { window.location.href = link.href; return true; }
    return false;
  }

  function queueKeys(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr.row"));
    var at = -1;
    function select(i) {
      if (!rows.length) { return; }
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, j) { r.classList.toggle("selected", j === at); });
      rows[at].scrollIntoView({ block: "nearest" });
      var link = rows[at].querySelector("a.claim-link");
      if (link) { link.focus({ preventScroll: true }); }
    }
    return function (ev) {
      if (ev.key === "j") { select(at + 1); }
      else if (ev.key === "k") { select(at < 0 ? 0 : at - 1); }
      else if ((ev.key === "Enter" || ev.key === "o") && at >= 0) {
        var link = rows[at].querySelector("a.claim-link");
        if (link) { window.location.href = link.href; }
      } else { return false; }
      return true;
    };
  }

  function claimKeys(form) {
    var hint = document.getElementById("form-hint");
    function confirmMachine() {
      var machine = form.dataset.machineVerdict;
      if (!machine) { hint.textContent = "There is no machine verdict to confirm."; return; }
      var radio = form.querySelector("input[name=verdict][value='" + machine + "']");
      if (radio) { radio.checked = true; }
      form.requestSubmit(document.getElementById("save-next"));
    }
    return function (ev) {
      if (ev.key === "c") { confirmMachine(); }
      else if (ev.key === "n" || ev.key === "j") { if (!go("next-link")) { go("queue-link"); } }
      else if (ev.key === "k") { go("prev-link"); }
      else { return false; }
      return true;
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("queue");
    var form = document.getElementById("review-form");
    var handler = table ? queueKeys(table) : form ? claimKeys(form) : null;

    var filters = document.querySelector("form.filters");
    if (filters) {
      filters.querySelectorAll("select").forEach(function (s) {
        s.addEventListener("change", function () { filters.submit(); });
      });
    }
    if (!handler) { return; }
    document.addEventListener("keydown", function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey || typing(ev)) { return; }
      if (handler(ev)) { ev.preventDefault(); }
    });
  });
})();
