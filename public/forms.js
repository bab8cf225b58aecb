/* global document */
// Progressive enhancement for the authoring forms (CSP: script-src 'self'; the forms work without it).
// 1. A refused form: focus moves to the first field with a problem (its message is read with it).
// 2. The question form shows only the answer fields of the chosen kind of question.
document.addEventListener('DOMContentLoaded', function () {
  var invalid = document.querySelector('[aria-invalid="true"], fieldset.has-error');
  if (invalid) invalid.focus();
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
