// Report which parts of a lesson video (or its audio) were actually played, and resume where
// the student stopped. Progressive enhancement: without JavaScript the student confirms the
// lesson with its button.
//
// Any <video> or <audio> with these attributes is tracked:
//   data-track-progress          marks the element
//   data-progress-url            where reports are POSTed (form fields: ranges, position, lang,
//                                csrf_token)
//   data-csrf                    the CSRF token (sent as a header and in the body, for beacons)
//   data-lang                    the language of the media (the server measures that video)
//   data-duration                seconds, until the element knows its own (optional)
//   data-resume                  seconds to start from on the first play (optional)
// The server keeps the union of the reported ranges, so seeking to the end counts only what
// is played there (app/learning/watching.py).
(function () {
  "use strict";
  var PERIOD = 15000;      // ms between reports while playing
  var MAX_RANGES = 50;     // per report (the server refuses more)
  var NEAR_END = 5;        // s (at most a tenth of the media): a stop this close to the end
                           // starts again from the beginning (as the server's resume_at)
  var MAX_STEP = 3;        // s of media time between two timeupdates; more is a jump

  function tenth(x) { return Math.round(x * 10) / 10; }

  // Sorted, merged [start, end] pairs.
  function union(ranges) {
    var sorted = ranges.filter(function (r) { return r[1] > r[0]; })
      .sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    sorted.forEach(function (r) {
      var last = out[out.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); }
      else { out.push([r[0], r[1]]); }
    });
    return out;
  }

  function track(media) {
    var url = media.dataset.progressUrl;
    var csrf = media.dataset.csrf || "";
    var seen = [];              // ranges this page saw played (kept across source changes)
    var from = null, last = null;
    var sentBody = "", sentAt = 0, resumed = false;

    function duration() {
      var d = media.duration;
      return isFinite(d) && d > 0 ? d : parseFloat(media.dataset.duration) || 0;
    }

    // Our own record, besides the element's `played` (which a change of source empties).
    function close() {
      if (from !== null && last !== null && last > from) { seen = union(seen.concat([[from, last]])); }
      from = null; last = null;
    }
    media.addEventListener("timeupdate", function () {
      var t = media.currentTime;
      if (media.paused || media.seeking) { close(); return; }
      var step = MAX_STEP * Math.max(1, media.playbackRate || 1);
      if (from === null || t < last || t - last > step) { close(); from = t; }
      last = t;
      if (!sentAt) { sentAt = Date.now(); }  // the first report after a period of playing
      if (Date.now() - sentAt >= PERIOD) { report(false); }
    });
    ["seeking", "pause", "emptied"].forEach(function (name) {
      media.addEventListener(name, close);
    });

    function ranges() {
      var all = seen.slice(), played = media.played;
      for (var i = 0; played && i < played.length; i++) { all.push([played.start(i), played.end(i)]); }
      if (from !== null && last !== null) { all.push([from, last]); }
      var merged = union(all.map(function (r) { return [tenth(r[0]), tenth(r[1])]; }));
      if (merged.length > MAX_RANGES) {  // keep the longest (counting less, never more)
        merged = merged.sort(function (a, b) { return (b[1] - b[0]) - (a[1] - a[0]); })
          .slice(0, MAX_RANGES).sort(function (a, b) { return a[0] - b[0]; });
      }
      return merged;
    }

    function body() {
      var fields = {
        ranges: JSON.stringify(ranges()),
        position: String(tenth(media.currentTime || 0)),
        csrf_token: csrf
      };
      if (media.dataset.lang) { fields.lang = media.dataset.lang; }
      return new URLSearchParams(fields);
    }

    function report(leaving) {
      var data = body(), text = data.toString();
      if (text === sentBody || (!seen.length && !media.played.length && from === null)) { return; }
      sentBody = text; sentAt = Date.now();
      if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, data)) { return; }
      fetch(url, {
        method: "POST", body: data, credentials: "same-origin", keepalive: leaving,
        headers: { "X-CSRFToken": csrf }
      }).catch(function () { sentBody = ""; /* offline: the next report sends it again */ });
    }
    media.addEventListener("pause", function () { report(false); });
    media.addEventListener("ended", function () { report(false); });
    window.addEventListener("pagehide", function () { close(); report(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { report(true); }
    });

    // Resume: seek to where the student stopped, once, on the first play.
    function seekToResume() {
      var at = parseFloat(media.dataset.resume) || 0, d = duration();
      if (at > 0 && (!d || at < d - Math.min(NEAR_END, d / 10))) { media.currentTime = at; }
    }
    media.addEventListener("play", function () {
      if (resumed) { return; }
      resumed = true;
      if (media.currentTime > 0) { return; }  // the student already chose a place
      if (media.readyState >= 1) { seekToResume(); }
      else { media.addEventListener("loadedmetadata", seekToResume, { once: true }); }
    });
  }

  document.querySelectorAll("[data-track-progress][data-progress-url]").forEach(track);
})();
