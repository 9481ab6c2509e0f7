/* Small page behaviours, kept out of inline handlers so the Content-Security-Policy can forbid
   inline script. Markup opts in with data attributes:
     <select data-autosubmit>        submit the form when the choice changes
     <form data-confirm="确定…?">   ask before submitting
     <button data-print>             print the page
     <a data-back href="/">          go back (falls back to the link)                          */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-print],[data-back]") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-print")) { e.preventDefault(); window.print(); }
    else if (el.hasAttribute("data-back") && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
})();
