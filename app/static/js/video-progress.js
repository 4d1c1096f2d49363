// Report how far a self-hosted lesson video has been watched (progressive enhancement:
// without JavaScript the lesson is completed by reading it).
(function () {
  "use strict";
  document.querySelectorAll("video[data-progress-url]").forEach(function (video) {
    var sent = 0;
    function report(force) {
      var seconds = Math.floor(video.currentTime || 0);
      if (!force && seconds - sent < 15) { return; }
      sent = seconds;
      var body = new URLSearchParams({ seconds: String(seconds) });
      fetch(video.dataset.progressUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": video.dataset.csrf }
      }).catch(function () { /* offline: the next report catches up */ });
    }
    video.addEventListener("timeupdate", function () { report(false); });
    video.addEventListener("pause", function () { report(true); });
    video.addEventListener("ended", function () { report(true); });
  });
})();
