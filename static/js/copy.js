// Copy buttons for invitation links. Without JavaScript the buttons stay hidden and the link is
// selectable text in a read-only field.
(function () {
  "use strict";
  document.querySelectorAll("button.copy-button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field || !navigator.clipboard) {
      return;
    }
    var status = button.closest(".card-body") && button.closest(".card-body").querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) { status.textContent = "Copied."; }
        },
        function () {
          field.select();
          if (status) { status.textContent = "Select the link and copy it."; }
        }
      );
    });
  });
})();
