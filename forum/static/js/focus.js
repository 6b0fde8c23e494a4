// Move keyboard and screen-reader focus to the message that answers what the member just did
// (shown beside its control, or a form's error summary). Without JavaScript the page still
// scrolls there through the URL's #fragment. The browser's own scroll to the fragment clears
// focus once the page has loaded, so focus is moved again then.
(function () {
  function focusMessage() {
    var target = document.querySelector("[data-focus-here]");
    if (target && document.activeElement !== target) {
      target.focus({ preventScroll: !!location.hash });
    }
  }
  document.addEventListener("DOMContentLoaded", focusMessage);
  window.addEventListener("load", function () { setTimeout(focusMessage, 0); });
})();
