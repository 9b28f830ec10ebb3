// Count this reading of the article: post once to the address the page names in
// data-view-beacon. The page itself comes from a cache, so the server cannot count
// it; the beacon is a separate request that carries nothing but the article's address.
(function () {
  "use strict";
  var element = document.querySelector("[data-view-beacon]");
  if (!element) {
    return;
  }
  var url = element.getAttribute("data-view-beacon");
  function send() {
    if (navigator.sendBeacon && navigator.sendBeacon(url)) {
      return;
    }
    if (window.fetch) {
      window.fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" });
    }
  }
  // A page prerendered by the browser is not read yet: wait until it is shown.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
