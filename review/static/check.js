// Progress of a desk check: polls the job's JSON twin and opens the article when done.
// Without this file the status page still works (reload it).
(function () {
  "use strict";
  var box = document.getElementById("check-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status");
  var LABELS = {
    "queued": "Queued…",
    "loading models": "Loading the models (the first check since the desk started)…",
    "checking": "Checking: reading, finding claims, matching sources, judging…"
  };

  function show(job) {
    var state = document.getElementById("check-state");
    var message = document.getElementById("check-message");
    if (job.state === "done") { window.location.href = job.article_url; return true; }
    if (job.state === "failed") {
      state.textContent = "Could not check this article.";
      message.textContent = job.message;
      message.className = "error";
      return true;
    }
    state.textContent = (LABELS[job.state] || job.state) + (job.ahead ? " (" + job.ahead + " ahead)" : "") +
      " " + job.seconds + " s";
    return false;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (job) { if (!show(job)) { window.setTimeout(poll, 300); } })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  poll();
}());
