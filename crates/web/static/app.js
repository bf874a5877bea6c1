// Progressive enhancement only: every page works without this file.
// Forms (or their submit buttons) marked data-confirm ask before a consequential action.
document.addEventListener("submit", function (e) {
  var b = e.submitter;
  var msg = b && b.hasAttribute("data-confirm") ? b.getAttribute("data-confirm")
    : b && b.hasAttribute("formaction") ? null
    : e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
}, true);
// A box marked data-select-all="name" ticks every box of that name in its form (also
// those placed elsewhere with form="…", as in a list's table).
document.addEventListener("change", function (e) {
  var name = e.target.getAttribute && e.target.getAttribute("data-select-all");
  if (!name || !e.target.form) return;
  Array.prototype.forEach.call(e.target.form.elements, function (c) {
    if (c.type === "checkbox" && c.name === name) c.checked = e.target.checked;
  });
});
// The person form: a valid NIK's hint carries the sex and birth date it encodes; they
// fill the fields still empty (what was typed is never overwritten).
document.addEventListener("htmx:afterSwap", function (e) {
  var hint = e.detail && e.detail.target && e.detail.target.querySelector &&
    e.detail.target.querySelector("[data-birth]");
  var form = hint && hint.closest("form");
  if (!form) return;
  var birth = form.querySelector("input[name=birth_date]");
  if (birth && !birth.value) birth.value = hint.getAttribute("data-birth");
  var sexes = form.querySelectorAll("input[type=radio][name=sex]");
  var chosen = Array.prototype.some.call(sexes, function (r) { return r.checked; });
  if (!chosen) sexes.forEach(function (r) { r.checked = r.value === hint.getAttribute("data-sex"); });
});
// A form sent back with errors: the first faulty field gets the focus (and comes into
// view on a phone), rather than the banner at the top.
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector("main [aria-invalid=true]");
  if (bad) { bad.focus({ preventScroll: true }); bad.scrollIntoView({ block: "center" }); }
});
// Logged out (the login page): the field app's copy of the caseload — names of group
// members — leaves the phone; its unsent queue stays, to be sent after the next login.
(function () {
  if (location.pathname !== "/login" || !window.indexedDB || !window.caches) return;
  caches.delete("sikube-field-v1");
  var req = indexedDB.open("sikube-field", 1);
  req.onupgradeneeded = function () {
    req.result.createObjectStore("kv");
    req.result.createObjectStore("queue", { keyPath: "id" });
  };
  req.onsuccess = function () {
    req.result.transaction("kv", "readwrite").objectStore("kv").delete("caseload");
  };
})();
