// Loaded on every page (deferred). Fetches Bootstrap's JS and htmx only on pages that use them
// (data-bs-* / hx-* attributes), so most pages run no framework JS at all, and sends the CSRF
// token with every htmx request. The script URLs come from this tag's data-bootstrap/data-htmx.
(function () {
  var tag = document.currentScript;
  var loaded = {};

  function load(name, selector, when) {
    if (loaded[name] || !document.querySelector(selector)) { return; }
    loaded[name] = true;
    var run = function () {
      var script = document.createElement('script');
      script.src = tag.dataset[name];
      document.head.appendChild(script);
    };
    if (when === 'load' && document.readyState !== 'complete') {
      window.addEventListener('load', run);
    } else {
      run();
    }
  }

  function scan() {
    load('bootstrap', '[data-bs-toggle],[data-bs-dismiss]');
    // htmx initialises on DOMContentLoaded, or at once if the page has finished loading:
    // wait for the load event so it never misses both.
    load('htmx', '[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-boost],[data-hx-get],[data-hx-post]', 'load');
  }

  document.addEventListener('htmx:configRequest', function (e) {
    var token = document.querySelector('meta[name=csrf-token]');
    if (token) { e.detail.headers['X-CSRFToken'] = token.content; }
  });
  document.addEventListener('htmx:afterSettle', scan);
  scan();
})();
