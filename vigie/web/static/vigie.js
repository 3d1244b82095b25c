// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // "Select all" for bulk actions: <input type="checkbox" data-select-all="form-id">.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) return;
    var form = box.getAttribute("data-select-all");
    document.querySelectorAll('input[type=checkbox][name=ids][form="' + form + '"]').forEach(function (item) {
      item.checked = box.checked;
    });
  });
  // Forms that destroy something ask first: <form data-confirm="message">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();
