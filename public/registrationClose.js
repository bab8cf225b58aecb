/* global document, window */
// Ends an LTI Dynamic Registration: tells the LMS window that opened (or frames) this page to close it.
// https://www.imsglobal.org/spec/lti-dr/v1p0#step-4-registration-completed-and-activation
(function () {
  var button = document.getElementById('finish-registration');
  if (!button) return;
  button.addEventListener('click', function () {
    var target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) target.postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
    var hint = document.getElementById('close-hint');
    if (hint) hint.hidden = false;
  });
})();
