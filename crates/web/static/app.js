// Progressive enhancement only: every page works without this file.
// Forms marked data-confirm ask before a destructive action.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
}, true);
