// On a slow connection, start the module video from its lowest rendition: the page lists
// 360p first by default, and this moves the 240p <source> to the front before anything plays.
// A quality the student picked (?quality=, data-quality-chosen) or a data saver is left alone.
(function () {
  "use strict";
  var media = document.getElementById("module-video");
  var connection = navigator.connection;
  if (!media || !connection || media.hasAttribute("data-quality-chosen")) return;
  var slow = connection.saveData || /^(slow-2g|2g|3g)$/.test(connection.effectiveType || "");
  if (!slow || media.getAttribute("data-quality") !== "360p") return;
  var low = media.querySelector('source[data-kind="low"]');
  var first = media.querySelector("source");
  if (!low || low === first) return;
  media.insertBefore(low, first);
  media.setAttribute("data-quality", "low");
  media.load();
})();
