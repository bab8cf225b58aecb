/* global document, window */
// Progressive enhancement for the student pages (CSP: script-src 'self'; the pages work without it).
// 1. Move focus to the answer feedback so screen readers and keyboard users land on it.
// 2. Disable a question's submit button once it is sent (the server is idempotent anyway).
document.addEventListener('DOMContentLoaded', function () {
  var feedback = document.getElementById('feedback');
  if (feedback) feedback.focus();
  var forms = document.querySelectorAll('form[data-once]');
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener('submit', function (event) {
      var button = event.target.querySelector('button[type="submit"]');
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  }
});
