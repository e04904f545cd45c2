// The workshop's projector view: the arrow keys (and PageUp/PageDown, which presentation
// clickers send) move to the previous or next characteristic by following the page's own
// rel="prev"/rel="next" links. Ignored while focus is in a form field or a button, so typing
// the reasoning, choosing a score or moving in a radio group is never taken over. Without
// JavaScript the same links are there to follow.
(function () {
  "use strict";
  var KEYS = { ArrowLeft: "prev", PageUp: "prev", ArrowRight: "next", PageDown: "next" };
  var FIELDS = "input, textarea, select, button, [contenteditable]";

  document.addEventListener("keydown", function (event) {
    var rel = KEYS[event.key];
    if (!rel || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest(FIELDS)) {
      return;
    }
    var link = document.querySelector('.projector-nav a[rel="' + rel + '"]');
    if (!link) {
      return;
    }
    event.preventDefault();
    window.location.assign(link.href);
  });
})();
