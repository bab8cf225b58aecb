/* global document, window */
// The LMS emulator's side of LTI Platform Storage (docs/decisions/0021-cookieless-launches.md).
// On the course page (data-role="page"): answers lti.capabilities, naming the storage frame for put/get.
// In the storage frame (data-role="frame", on the emulator's auth origin as Canvas's post_message_forwarding is):
// answers lti.put_data / lti.get_data for the registered tool's origin only, keeping data per origin, and always
// answers to the sender's own origin.
(function () {
  'use strict';
  var el = document.getElementById('lms-storage');
  if (!el) return;
  var role = el.getAttribute('data-role');
  var toolOrigin = el.getAttribute('data-tool-origin');
  var frame = el.getAttribute('data-frame');
  var store = new Map();
  var MAX_ITEMS = 200;

  function reply(event, data) {
    if (event.source) event.source.postMessage(data, event.origin);
  }

  window.addEventListener('message', function (event) {
    var m = event.data;
    if (!m || typeof m !== 'object' || typeof m.subject !== 'string') return;
    var base = { subject: m.subject + '.response', message_id: m.message_id };
    if (role === 'page' && m.subject === 'lti.capabilities') {
      reply(event, {
        subject: base.subject,
        message_id: base.message_id,
        supported_messages: [{ subject: 'lti.capabilities' }, { subject: 'lti.put_data', frame: frame }, { subject: 'lti.get_data', frame: frame }],
      });
      return;
    }
    if (role !== 'frame' || (m.subject !== 'lti.put_data' && m.subject !== 'lti.get_data')) return;
    if (event.origin !== toolOrigin) {
      reply(event, { subject: base.subject, message_id: base.message_id, error: { code: 'unauthorized', message: 'Messages are accepted from the registered tool only' } });
      return;
    }
    if (typeof m.key !== 'string' || !m.key || m.key.length > 1024) {
      reply(event, { subject: base.subject, message_id: base.message_id, error: { code: 'bad_request', message: 'key is required' } });
      return;
    }
    var slot = event.origin + ' ' + m.key;
    if (m.subject === 'lti.put_data') {
      if (typeof m.value !== 'string' || m.value.length > 4096 || (!store.has(slot) && store.size >= MAX_ITEMS)) {
        reply(event, { subject: base.subject, message_id: base.message_id, error: { code: 'bad_request', message: 'value is missing or too large' } });
        return;
      }
      store.set(slot, m.value);
      reply(event, { subject: base.subject, message_id: base.message_id, key: m.key, value: m.value });
      return;
    }
    if (!store.has(slot)) {
      reply(event, { subject: base.subject, message_id: base.message_id, error: { code: 'bad_request', message: 'no data stored under this key' } });
      return;
    }
    reply(event, { subject: base.subject, message_id: base.message_id, key: m.key, value: store.get(slot) });
  });
})();
