// Progressive enhancement only: every page works without this file.
// Forms (or their submit buttons) marked data-confirm ask before a consequential action.
document.addEventListener("submit", function (e) {
  var b = e.submitter;
  var msg = b && b.hasAttribute("data-confirm") ? b.getAttribute("data-confirm")
    : b && b.hasAttribute("formaction") ? null
    : e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
}, true);
// A box marked data-select-all="name" ticks every box of that name in its form.
document.addEventListener("change", function (e) {
  var name = e.target.getAttribute && e.target.getAttribute("data-select-all");
  if (!name || !e.target.form) return;
  e.target.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (c) {
    c.checked = e.target.checked;
  });
});
