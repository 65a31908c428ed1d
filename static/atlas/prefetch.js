/* Loaded first, before Leaflet: starts fetching the atlas data named in this script's own URL
 * (?data=...) at once, so the download runs while Leaflet and atlas.js load. The runtime
 * (atlas.js) picks the promise up instead of fetching again. */
(function () {
  "use strict";
  var s = document.currentScript, url = s && new URL(s.src).searchParams.get("data");
  if (!url || !window.fetch) return;
  window.__atlasPrefetch = window.__atlasPrefetch || {};
  window.__atlasPrefetch[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  });
})();
