/* pixelproof's stand-in for Meta's fbevents.js — OUR OWN CODE, not Meta's (MIT, like the project).
 * The one copy: the demo shop serves it as /fbevents.js; fixtures and tests read it through
 * pixelproof.demo.standin_script(). Meta's fbevents.js is never committed.
 * It emits the wire format observed from fbevents.js 2.9.252 (see fixtures/README.md):
 * one GET image per event under 2048 chars, a hidden-iframe form POST above (rqm=formPOST),
 * sendBeacon multipart when told to (rqm=SB), `ec` per pixel, eid from the 4th argument,
 * cd[...] with JSON-encoded nested values, es=automatic&tm=3 for automatic button clicks,
 * consent revoke/grant queueing, history/hash PageViews, the _fbp cookie. */
(function () {
  var fbq = window.fbq;
  var ENDPOINT = 'https://www.facebook.com/tr/';
  var pixels = [], counters = {}, locked = false, queued = [], initTime = null;
  var transport = null, sandbox = false;
  function fbp() {
    var m = document.cookie.match(/(?:^|; )_fbp=([^;]*)/);
    if (m) return m[1];
    var v = 'fb.1.' + Date.now() + '.' + Math.floor(Math.random() * 2147483647);
    document.cookie = '_fbp=' + v + '; path=/; max-age=7776000; SameSite=Lax';
    return v;
  }
  function params(pixel, ev, custom, opts, system) {
    var p = [['id', pixel.id], ['ev', ev], ['dl', location.href], ['rl', document.referrer],
      ['if', String(window.top !== window)], ['ts', String(Date.now())]];
    Object.keys(custom || {}).forEach(function (k) {
      var v = custom[k];
      if (v === null || v === undefined) return;
      p.push(['cd[' + k + ']', typeof v === 'object' ? JSON.stringify(v) : String(v)]);
    });
    p.push(['sw', String(screen.width)], ['sh', String(screen.height)]);
    Object.keys(pixel.ud || {}).forEach(function (k) { p.push(['ud[' + k + ']', pixel.ud[k]]); });
    counters[pixel.id] = (counters[pixel.id] === undefined ? 0 : counters[pixel.id] + 1);
    p.push(['v', '2.9.252'], ['r', 'stable'], ['ec', String(counters[pixel.id])], ['o', '4126'],
      ['fbp', fbp()], ['ler', 'empty'], ['cdl', 'API_unavailable'], ['it', String(initTime)],
      ['coo', 'false']);
    if (opts && (opts.eventID || opts.event_id)) p.push(['eid', String(opts.eventID || opts.event_id)]);
    if (system) p.push(['es', 'automatic'], ['tm', '3']);
    p.push(['expv2[0]', 'pl0'], ['expv2[1]', 'el3']);
    return p;
  }
  function query(p) {
    return p.map(function (kv) { return kv[0] + '=' + encodeURIComponent(kv[1]); }).join('&');
  }
  function send(p) {
    var url = ENDPOINT + '?' + query(p.concat([['rqm', 'GET']]));
    if (transport === 'beacon') {
      var fd = new FormData();
      p.concat([['rqm', 'SB']]).forEach(function (kv) { fd.append(kv[0], kv[1]); });
      navigator.sendBeacon(ENDPOINT, fd);
    } else if (url.length < 2048) {
      new Image().src = url;
      if (sandbox) new Image().src = url.replace('/tr/?', '/privacy_sandbox/pixel/register/trigger/?').replace('rqm=GET', 'rqm=FGET');
    } else {
      var name = 'fb' + Math.random().toString().slice(2);
      var frame = document.createElement('iframe');
      frame.name = name; frame.style.display = 'none';
      var form = document.createElement('form');
      form.method = 'post'; form.action = ENDPOINT; form.target = name;
      form.acceptCharset = 'utf-8'; form.style.display = 'none';
      p.concat([['rqm', 'formPOST']]).forEach(function (kv) {
        var input = document.createElement('input');
        input.name = kv[0]; input.value = kv[1]; form.appendChild(input);
      });
      document.body.appendChild(frame); document.body.appendChild(form);
      form.submit();
    }
  }
  function fire(targets, ev, custom, opts, system) {
    if (locked) { queued.push([targets, ev, custom, opts, system]); return; }
    targets.forEach(function (px) { send(params(px, ev, custom, opts, system)); });
  }
  function handle(args) {
    var cmd = args[0];
    if (cmd === 'init') {
      if (initTime === null) initTime = Date.now();
      pixels.push({ id: String(args[1]), ud: args[2] || {} });
    } else if (cmd === 'track' || cmd === 'trackCustom') {
      fire(pixels, args[1], args[2], args[3], false);
    } else if (cmd === 'trackSingle' || cmd === 'trackSingleCustom') {
      fire(pixels.filter(function (p) { return p.id === String(args[1]); }), args[2], args[3], args[4], false);
    } else if (cmd === 'consent') {
      locked = args[1] === 'revoke';
      if (!locked) { var q = queued; queued = []; q.forEach(function (a) { fire.apply(null, a); }); }
    } else if (cmd === 'set' && args[1] === 'transport') {
      transport = args[2];
    } else if (cmd === 'set' && args[1] === 'privacySandbox') {
      sandbox = !!args[2];
    }
  }
  fbq.callMethod = function () { handle(Array.prototype.slice.call(arguments)); };
  var pending = fbq.queue || [];
  fbq.queue = [];
  pending.forEach(function (a) { handle(Array.prototype.slice.call(a)); });
  fbq.version = '2.9.252';
  fbq.loaded = true;
  var lastHref = location.href;
  function routePageView() {
    if (location.href === lastHref) return;  /* popstate and hashchange both fire on #links */
    lastHref = location.href;
    fire(pixels, 'PageView', null, null, false);
  }
  var push = history.pushState;
  history.pushState = function () { push.apply(history, arguments); routePageView(); };
  window.addEventListener('popstate', routePageView);
  window.addEventListener('hashchange', routePageView);
  document.addEventListener('click', function (e) {
    var b = e.target && e.target.closest && e.target.closest('button');
    if (!b) return;
    fire(pixels, 'SubscribedButtonClick', {
      buttonFeatures: { id: b.id, innerText: b.innerText, tag: 'button' },
      buttonText: b.innerText, pageFeatures: { title: document.title } }, null, true);
  }, true);
})();
