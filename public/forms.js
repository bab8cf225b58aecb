/* global document */
// Progressive enhancement for the instructor forms (CSP: script-src 'self'; the forms work without it).
// Loaded on every instructor page (views/partials/head.ejs).
// 1. A refused form: focus moves to the first field with a problem (its message is read with it); after an action,
//    to the notice that says what it did, so a keyboard user goes on from there instead of from the top of the page.
// 2. The question form shows only the answer fields of the chosen kind of question.
document.addEventListener('DOMContentLoaded', function () {
  var invalid = document.querySelector('[aria-invalid="true"], fieldset.has-error');
  var notice = document.querySelector('main p.notice[role="status"]');
  if (invalid) invalid.focus();
  else if (notice) {
    notice.setAttribute('tabindex', '-1');
    notice.focus();
  }
  var kind = document.getElementById('f-kind');
  var sections = document.querySelectorAll('[data-for-kinds]');
  if (!kind || sections.length === 0) return;
  var sync = function () {
    for (var i = 0; i < sections.length; i++) {
      var kinds = sections[i].getAttribute('data-for-kinds').split(' ');
      sections[i].hidden = kinds.indexOf(kind.value) < 0;
    }
    var radios = document.querySelectorAll('input[name="right"]');
    for (var j = 0; j < radios.length; j++) radios[j].type = kind.value === 'mc_single' ? 'radio' : 'checkbox';
  };
  kind.addEventListener('change', sync);
  sync();
});
