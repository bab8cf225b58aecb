/* global document, window */
// LTI Platform Storage for the login and the launch (docs/decisions/0021-cookieless-launches.md).
// The page's #lti-storage element says what to do:
//   data-mode="put": store data-value under data-key in the platform's frame (lti.put_data), then submit
//                    #lti-continue (on to the platform's auth endpoint) whatever the outcome;
//   data-mode="get": read data-key back (lti.get_data), put it in the form's lti_storage_binding field and submit
//                    #lti-continue (back to /lti/launch); when storage does not answer, show #new-window instead.
// lti.capabilities is probed first with a timeout: some platforms (Canvas's mobile apps) send lti_storage_target but
// never answer. put/get go to the frame the platform names, with its auth origin as targetOrigin, and only answers
// from that origin are accepted.
// Spec: 1EdTech LTI Client Side postMessages and Platform Storage.
(function () {
  'use strict';
  var CAPABILITIES_TIMEOUT_MS = 1000;
  var DATA_TIMEOUT_MS = 2000;
  var root = document.getElementById('lti-storage');
  var form = document.getElementById('lti-continue');
  if (!root || !form) return;
  var mode = root.getAttribute('data-mode');
  var target = root.getAttribute('data-target');
  var origin = root.getAttribute('data-origin');
  var key = root.getAttribute('data-key');
  var host = window.opener || (window.parent !== window ? window.parent : null);
  var counter = 0;

  function newId() {
    counter += 1;
    return 'masterly-' + String(Date.now()) + '-' + String(counter);
  }

  // Sends `message` to `win` and resolves with the answer whose subject and message_id match (and whose origin is
  // `fromOrigin` when given), or with null after `timeoutMs`.
  function ask(win, targetOrigin, message, fromOrigin, timeoutMs) {
    return new Promise(function (resolve) {
      var id = newId();
      var done = false;
      function finish(value) {
        if (done) return;
        done = true;
        window.removeEventListener('message', onMessage);
        resolve(value);
      }
      function onMessage(event) {
        var data = event.data;
        if (!data || typeof data !== 'object' || data.message_id !== id || data.subject !== message.subject + '.response') return;
        if (fromOrigin && event.origin !== fromOrigin) return;
        finish(data);
      }
      window.addEventListener('message', onMessage);
      window.setTimeout(function () { finish(null); }, timeoutMs);
      try {
        message.message_id = id;
        win.postMessage(message, targetOrigin);
      } catch {
        finish(null);
      }
    });
  }

  // The frame for `subject`: the one the capabilities answer names, else lti_storage_target.
  function frameFor(capabilities, subject) {
    var list = capabilities && Array.isArray(capabilities.supported_messages) ? capabilities.supported_messages : [];
    var entry = null;
    for (var i = 0; i < list.length; i++) if (list[i] && list[i].subject === subject) entry = list[i];
    if (!entry) return undefined;
    var name = typeof entry.frame === 'string' && entry.frame ? entry.frame : target;
    if (name === '_parent') return host;
    try {
      return host.frames[name] || undefined;
    } catch {
      return undefined;
    }
  }

  function storage(subject, message) {
    if (!host) return Promise.resolve(null);
    // The capabilities answer may come from the LMS's page origin (not its auth origin): any origin, names only.
    return ask(host, '*', { subject: 'lti.capabilities' }, null, CAPABILITIES_TIMEOUT_MS).then(function (capabilities) {
      var frame = frameFor(capabilities, subject);
      if (!frame) return null;
      return ask(frame, origin, message, origin, DATA_TIMEOUT_MS);
    });
  }

  if (mode === 'put') {
    var value = root.getAttribute('data-value');
    storage('lti.put_data', { subject: 'lti.put_data', key: key, value: value }).then(function () {
      // Stored or not, the login goes on: the cookie may still work, and the launch says what to do otherwise.
      form.submit();
    });
  } else if (mode === 'get') {
    storage('lti.get_data', { subject: 'lti.get_data', key: key }).then(function (answer) {
      if (answer && !answer.error && answer.key === key && typeof answer.value === 'string' && answer.value) {
        form.elements.namedItem('lti_storage_binding').value = answer.value;
        form.submit();
        return;
      }
      var waiting = document.getElementById('lti-waiting');
      if (waiting) waiting.hidden = true;
      var fallback = document.getElementById('new-window');
      if (fallback) {
        fallback.hidden = false;
        var heading = document.getElementById('new-window-heading');
        if (heading) {
          heading.setAttribute('tabindex', '-1');
          heading.focus();
        }
      }
    });
  }
})();
