/* pixelproof: report every fbq('init'|'track'|'trackCustom'|'trackSingle'|'consent', ...) call.
 * Never predefines `fbq` (Meta's base code bails out when `window.fbq` exists): an accessor
 * traps the assignment and hands out a Proxy of the queue function, so property reads and
 * writes (`fbq.callMethod = ...`, `fbq.queue`) reach the original untouched. */
(function () {
  'use strict';
  var BINDING = '__pixelproofFbq';
  var SELF = 'pixelproof-fbq-trap.js';
  var METHODS = { init: 1, track: 1, trackCustom: 1, trackSingle: 1, trackSingleCustom: 1,
                  consent: 1 };
  if (Object.prototype.hasOwnProperty.call(window, '__pixelproofTrap')) return;
  Object.defineProperty(window, '__pixelproofTrap', { value: true });
  /* one id per document: records of one page load share it (double inits, history hits) */
  var DOC = Date.now().toString(36) + '.' + Math.random().toString(36).slice(2, 8);

  function plain(value, depth) {
    if (value === null || value === undefined) return value === undefined ? null : value;
    var type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') return value;
    if (type === 'function') return '[function]';
    if (type !== 'object' || depth > 6) return String(value);
    if (typeof Node !== 'undefined' && value instanceof Node) return '[' + value.nodeName + ']';
    if (Array.isArray(value)) return value.slice(0, 200).map(function (v) {
      return plain(v, depth + 1);
    });
    var out = {};
    Object.keys(value).slice(0, 200).forEach(function (k) { out[k] = plain(value[k], depth + 1); });
    return out;
  }

  function caller() {
    var stack = String((new Error()).stack || '').split('\n').slice(1);
    for (var i = 0; i < stack.length; i++) {
      var line = stack[i];
      if (line.indexOf(SELF) >= 0) continue;
      var m = line.match(/((?:https?|file|blob|chrome-extension):\/\/[^\s)]+)/);
      if (m) return m[1];
    }
    return null;
  }

  function report(message) {
    var send = window[BINDING];
    if (typeof send !== 'function') return;
    try {
      message.doc = DOC;
      message.url = String(location.href);
      send(JSON.stringify(message));
    } catch (e) { /* never break the page */ }
  }
  report({ hello: true });

  var wrapped = new WeakSet();
  function wrap(fn) {
    if (typeof fn !== 'function' || wrapped.has(fn)) return fn;
    var proxy = new Proxy(fn, {
      apply: function (target, self, args) {
        if (args.length && typeof args[0] === 'string' && METHODS[args[0]] === 1) report({ args: plain(Array.prototype.slice.call(args), 0), script: caller() });
        return Reflect.apply(target, self, args);
      }
    });
    wrapped.add(proxy);
    return proxy;
  }

  var current;
  try {
    Object.defineProperty(window, 'fbq', {
      configurable: true,
      enumerable: true,
      get: function () { return current; },
      set: function (value) { current = wrap(value); }
    });
  } catch (e) { /* a frame that already defined fbq: leave it alone */ }
})();
//# sourceURL=pixelproof-fbq-trap.js
