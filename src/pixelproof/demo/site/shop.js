/* The demo shop's own front-end code (pixelproof's, MIT): consent banner, cart, tracking calls.
 * window.SHOP comes from /config.js: {pixel, currency, testing, defects: {...}}; each defect
 * flag is one planted bug of the default demo (src/pixelproof/demo/README.md), all false with
 * `pixelproof demo --fixed`. */
(function () {
  var cfg = window.SHOP;
  var shop = window.shop = {pixelId: cfg.pixel, currency: cfg.currency, defects: cfg.defects};

  shop.consent = function () {
    var m = document.cookie.match(/(?:^|; )shop_consent=(granted|denied)/);
    return m ? m[1] : null;
  };
  /* Whether the Pixel base code may run on this page. The fixed shop loads it only after
   * opt-in; the broken one pastes it above the consent manager, so every page view is sent. */
  shop.pixelAllowed = function () {
    return shop.defects.pageview_before_consent || shop.consent() === 'granted';
  };
  shop.track = function (name, data, eventId) {
    if (shop.consent() !== 'granted' || !window.fbq) return;
    if (eventId) fbq('track', name, data, {eventID: eventId});
    else fbq('track', name, data);
  };
  shop.newId = function (prefix) {
    var bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return prefix + '-' + Array.prototype.map.call(bytes, function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  };
  shop.cart = function () {
    return JSON.parse(localStorage.getItem('cart') || '[]');
  };
  shop.addToCart = function (product) {
    var cart = shop.cart();
    cart.push({id: product.id, quantity: 1, price: product.price});
    localStorage.setItem('cart', JSON.stringify(cart));
  };
  shop.total = function (items) {
    return Math.round(items.reduce(function (s, i) { return s + i.price * i.quantity; }, 0) * 100) / 100;
  };
  shop.post = function (path, body) {
    return fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body), credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.json();
    });
  };

  function choose(state) {
    document.cookie = 'shop_consent=' + state + '; path=/; max-age=31536000; SameSite=Lax';
    document.getElementById('cookie-banner').hidden = true;
  }
  document.addEventListener('DOMContentLoaded', function () {
    var banner = document.getElementById('cookie-banner');
    if (!banner) return;
    document.getElementById('consent-accept').addEventListener('click', function () {
      choose('granted');
    });
    document.getElementById('consent-reject').addEventListener('click', function () {
      choose('denied');
    });
    banner.hidden = shop.consent() !== null;
  });
})();
