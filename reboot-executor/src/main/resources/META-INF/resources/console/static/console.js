// Live refresh without a build chain: every 10 s the page is fetched again (same URL, same session cookie)
// and each element marked data-live is replaced by its new version. Forms live outside those elements, so
// what an operator is typing is never thrown away; nothing refreshes while the tab is hidden.
(function () {
  'use strict';
  var PERIOD_MS = 10000;
  function refresh() {
    if (document.hidden) { return; }
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) {
        if (r.redirected || !r.ok) { return null; }
        return r.text();
      })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live][id]').forEach(function (el) {
          var next = fresh.getElementById(el.id);
          if (next && !el.contains(document.activeElement)) { el.replaceWith(document.importNode(next, true)); }
        });
      })
      .catch(function () { /* the next tick tries again */ });
  }
  window.setInterval(refresh, PERIOD_MS);
}());
