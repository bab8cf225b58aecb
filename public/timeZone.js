/* global document, window, URLSearchParams, MutationObserver */
// The reader's time zone (docs/decisions/0029-reader-time-zone.md). While the session does not know it, pages carry
// <meta name="masterly-time-zone" content="<csrf token>">; this script posts the browser's IANA zone once, and the
// next pages show times in it. Without this script pages show times in UTC, named. CSP: script-src 'self'.
(function () {
  'use strict';
  if (window.masterlyTimeZoneInstalled) return;
  window.masterlyTimeZoneInstalled = true;
  var sent = false;

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
      return null;
    }
  }

  function report() {
    var ask = document.querySelector('meta[name="masterly-time-zone"]');
    var zone = browserZone();
    if (sent || !ask || !zone) return;
    sent = true;
    var headers = { accept: 'application/json' };
    // Token mode (ADR 0021): the session travels in a header, never in the URL.
    var token = document.querySelector('meta[name="masterly-session"]');
    if (token) headers['x-masterly-session'] = token.getAttribute('content');
    fetch('/session/time-zone', {
      method: 'POST',
      credentials: 'same-origin',
      headers: headers,
      body: new URLSearchParams({ timeZone: zone, csrf: ask.getAttribute('content') || '' }),
    }).catch(function () {
      sent = false;
    });
  }

  report();
  // In token mode public/session.js swaps whole pages in place: look again when it does.
  new MutationObserver(report).observe(document, { childList: true });
})();
