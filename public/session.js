/* global document, window, DOMParser, FormData, URLSearchParams */
// The session after a launch without third-party cookies (docs/decisions/0021-cookieless-launches.md).
// 1. On the page that follows such a launch (#session-start): ask /lti/session whether the partitioned session cookie
//    came back; if so, open the landing page normally, else continue in token mode.
// 2. Token mode (the page carries <meta name="masterly-session">): links and forms of this site are followed with
//    fetch, sending the token in the x-masterly-session header (and a session_token form field), and the answer
//    replaces the page. The token is never put in a URL, never stored: it lives in this tab's page only.
(function () {
  'use strict';
  if (window.masterlySessionInstalled) return;
  window.masterlySessionInstalled = true;

  function token() {
    var meta = document.querySelector('meta[name="masterly-session"]');
    return meta ? meta.getAttribute('content') : null;
  }

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch {
      return false;
    }
  }

  function show(html, url, push) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
    if (push) window.history.pushState({ masterly: true }, '', url);
    else window.history.replaceState({ masterly: true }, '', url);
    window.scrollTo(0, 0);
    var focus = document.getElementById('feedback') || document.getElementById('main');
    if (focus) focus.focus();
  }

  function go(url, init, push) {
    var current = token();
    if (!current) {
      window.location.href = url;
      return Promise.resolve();
    }
    var options = init || { method: 'GET' };
    options.headers = { 'x-masterly-session': current };
    options.credentials = 'same-origin';
    return fetch(url, options).then(function (response) {
      return response.text().then(function (html) {
        show(html, response.url || url, push);
      });
    });
  }

  document.addEventListener('click', function (event) {
    if (!token() || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target && event.target.closest ? event.target.closest('a[href]') : null;
    if (!link || link.target || link.hasAttribute('download') || !sameOrigin(link.href)) return;
    var href = link.getAttribute('href');
    if (href && href.charAt(0) === '#') return;
    event.preventDefault();
    go(link.href, { method: 'GET' }, true);
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    var current = token();
    if (!current || event.defaultPrevented || !form || form.target || !sameOrigin(form.action)) return;
    event.preventDefault();
    var data = new FormData(form, event.submitter || undefined);
    data.set('session_token', current);
    var params = new URLSearchParams();
    data.forEach(function (value, name) {
      if (typeof value === 'string') params.append(name, value);
    });
    if ((form.getAttribute('method') || 'get').toLowerCase() === 'post') {
      go(form.action, { method: 'POST', body: params }, true);
    } else {
      params.delete('session_token');
      var url = new URL(form.action);
      url.search = params.toString();
      go(url.href, { method: 'GET' }, true);
    }
  });

  window.addEventListener('popstate', function () {
    if (token()) go(window.location.href, { method: 'GET' }, false);
  });

  var start = document.getElementById('session-start');
  if (start) {
    var landing = start.getAttribute('data-landing') || '/';
    fetch('/lti/session', { credentials: 'same-origin' })
      .then(function (response) {
        if (response.status === 204) window.location.replace(landing);
        else go(landing, { method: 'GET' }, false);
      })
      .catch(function () {
        go(landing, { method: 'GET' }, false);
      });
  }
})();
