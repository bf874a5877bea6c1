// SIKUBE field app's service worker (scope /field/): keeps the app's page and files on the
// phone so that it opens without signal. The page is fetched from the network first (a
// new caseload, a login when the session ended) and from the phone's copy when there is
// no network; the files are answered from the copy and refreshed behind. API requests are
// never answered from a copy.
var CACHE = 'sikube-field-v1';
var PAGE = '/field/';
var FILES = ['/static/field.js', '/static/app.css', '/static/pico.min.css', '/static/app.js',
  '/static/htmx.min.js', '/static/favicon.svg', '/static/icon-192.png', '/static/icon-512.png',
  '/field/manifest.webmanifest'];

// Only the app's own page is kept, never a login page the request was sent to.
function keepPage(cache, r) {
  if (r && r.ok && !r.redirected && r.url.endsWith(PAGE)) return cache.put(PAGE, r.clone());
  return Promise.resolve();
}

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(FILES).then(function () {
      return fetch(PAGE, { credentials: 'same-origin' }).then(function (r) { return keepPage(c, r); }, function () {});
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    e.respondWith(fetch(e.request).then(function (r) {
      return caches.open(CACHE).then(function (c) { return keepPage(c, r); }).then(function () { return r; });
    }, function () {
      return caches.match(PAGE).then(function (r) { return r || Response.error(); });
    }));
    return;
  }
  if (FILES.indexOf(url.pathname) >= 0) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(url.pathname).then(function (kept) {
        var fresh = fetch(e.request).then(function (r) {
          if (r.ok) c.put(url.pathname, r.clone());
          return r;
        });
        return kept || fresh;
      });
    }));
  }
});
