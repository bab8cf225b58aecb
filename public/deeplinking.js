/* global document */
// Deep Linking return page (CSP: script-src 'self'): post the signed response to the LMS at once.
// Without JavaScript the visible "Continue to the LMS" button does the same.
document.addEventListener('DOMContentLoaded', function () {
  var form = document.querySelector('form[data-autosubmit]');
  if (form) form.submit();
});
