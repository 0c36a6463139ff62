/* Follows a background job: polls its progress (JSON) and reloads the page once it ends. */
(function () {
  "use strict";
  document.querySelectorAll("[data-job-progress]").forEach(function (box) {
    if (box.getAttribute("data-finished") === "true") return;
    var url = box.getAttribute("data-job-progress");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-job-status]");
    function show(job) {
      if (job.percent === null) {
        bar.removeAttribute("value");
      } else {
        bar.value = job.percent;
        bar.textContent = job.percent + " %";
      }
      status.textContent = job.state_label + (job.percent === null ? "" : " — " + job.percent + " %");
    }
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (job) {
          show(job);
          if (job.finished) {
            window.setTimeout(function () { window.location.reload(); }, 600);
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 500);
  });
})();
