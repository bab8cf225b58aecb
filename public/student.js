/* global document, window */
// Progressive enhancement for the student pages (CSP: script-src 'self'; the pages work without it).
// 1. Move focus to the answer feedback so screen readers and keyboard users land on it (or to a refused field).
// 2. Disable a question's submit button once it is sent (the server is idempotent anyway); an empty "choose all
//    that apply" answer is not sent.
document.addEventListener('DOMContentLoaded', function () {
  var feedback = document.getElementById('feedback');
  if (feedback) feedback.focus();
  // A refused goal form: focus on the field with the problem (`autofocus` does the same without script, but
  // browsers ignore it inside a cross-origin iframe such as the LMS's).
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (!feedback && invalid) invalid.focus();
  var forms = document.querySelectorAll('form[data-once]');
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener('submit', function (event) {
      // "Choose all that apply" with nothing chosen (Enter on a checkbox submits the form): not sent, the first box
      // takes the focus with the browser's message, as a required radio or text answer does.
      var chooseOne = event.target.getAttribute('data-choose-one');
      var boxes = event.target.querySelectorAll('input[type="checkbox"][name="answer"]');
      if (chooseOne && boxes.length && !event.target.querySelector('input[type="checkbox"][name="answer"]:checked')) {
        event.preventDefault();
        boxes[0].setCustomValidity(chooseOne);
        boxes[0].reportValidity();
        var clear = function () { boxes[0].setCustomValidity(''); };
        for (var b = 0; b < boxes.length; b++) boxes[b].addEventListener('change', clear);
        return;
      }
      var button = event.target.querySelector('button[type="submit"]');
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  }
});

// 3. A timed mastery check (ADR 0023): the server rendered the time left; say it again every minute and at the last
//    minute in the polite live region. The server enforces the deadline; this only keeps the student informed.
document.addEventListener('DOMContentLoaded', function () {
  var box = document.getElementById('check-timer');
  var region = document.getElementById('check-time-left');
  if (!box || !region) return;
  var left = parseInt(box.getAttribute('data-seconds-left') || '0', 10);
  if (!(left > 0)) return;
  var end = Date.now() + left * 1000;
  var said = region.textContent;
  function tell() {
    var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
    var minutes = Math.ceil(seconds / 60);
    var text = seconds <= 0 ? box.getAttribute('data-up')
      : seconds <= 60 ? box.getAttribute('data-last-minute')
      : minutes === 1 ? box.getAttribute('data-minute-one')
      : (box.getAttribute('data-minutes-many') || '').replace('{n}', String(minutes));
    if (text && text !== said) { region.textContent = text; said = text; }
    if (seconds > 0) window.setTimeout(tell, Math.min(seconds > 60 ? ((seconds - 1) % 60 + 1) * 1000 : seconds * 1000, 60000));
  }
  window.setTimeout(tell, ((left - 1) % 60 + 1) * 1000);
});
