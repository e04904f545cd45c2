// Copy buttons for invitation and resume links. Without JavaScript the buttons stay hidden and
// the link is selectable text (a read-only field, or the link itself).
(function () {
  "use strict";
  document.querySelectorAll("button.copy-button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field || !navigator.clipboard) {
      return;
    }
    var status = button.closest(".card-body") && button.closest(".card-body").querySelector(".copy-status");
    var text = function () { return field.value !== undefined ? field.value : field.href; };
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text()).then(
        function () {
          if (status) { status.textContent = "Copied."; }
        },
        function () {
          if (field.select) { field.select(); }
          if (status) { status.textContent = "Select the link and copy it."; }
        }
      );
    });
  });
})();
