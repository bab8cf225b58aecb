/* global document, window */
// The emulator's side of the end of a dynamic registration: the tool posts {subject: 'org.imsglobal.lti.close'}.
(function () {
  var frame = document.getElementById('registration-frame');
  var status = document.getElementById('registration-status');
  if (!frame || !status) return;
  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow) return;
    if (!event.data || event.data.subject !== 'org.imsglobal.lti.close') return;
    frame.remove();
    status.textContent = 'Registration finished.';
    status.setAttribute('data-closed', 'true');
  });
})();
