// SIKUBE field app (plain JavaScript, no build step): keeps the facilitator's caseload on
// the phone (IndexedDB), queues visits and guidance attendance while there is no signal,
// and sends them when it returns — each with an idempotency key, so a send whose answer
// was lost records nothing twice. Refusals stay in the queue with the server's reason
// until the facilitator discards them; an ended session keeps the queue until the next
// login.
(function () {
  'use strict';
  var root = document.getElementById('field');
  if (!root || !window.indexedDB) return;
  var T = JSON.parse(document.getElementById('field-texts').textContent);
  function t(key) {
    var args = Array.prototype.slice.call(arguments, 1);
    return (T[key] || key).replace(/\{(\d)\}/g, function (_, i) { return args[+i]; });
  }
  var me = root.dataset.username;
  var csrf = root.dataset.csrf;
  var lang = root.dataset.lang;
  var $ = function (id) { return document.getElementById(id); };

  // ---------- storage ----------
  var dbp = new Promise(function (resolve, reject) {
    var r = indexedDB.open('sikube-field', 1);
    r.onupgradeneeded = function () {
      r.result.createObjectStore('kv');
      r.result.createObjectStore('queue', { keyPath: 'id' });
    };
    r.onsuccess = function () { resolve(r.result); };
    r.onerror = function () { reject(r.error); };
  });
  function req(name, mode, fn) {
    return dbp.then(function (db) {
      return new Promise(function (resolve, reject) {
        var x = db.transaction(name, mode);
        var r = fn(x.objectStore(name));
        x.oncomplete = function () { resolve(r && r.result); };
        x.onerror = function () { reject(x.error); };
      });
    });
  }
  var kvGet = function (k) { return req('kv', 'readonly', function (s) { return s.get(k); }); };
  var kvPut = function (k, v) { return req('kv', 'readwrite', function (s) { return s.put(v, k); }); };
  var queued = function () { return req('queue', 'readonly', function (s) { return s.getAll(); }); };
  var enqueue = function (item) { return req('queue', 'readwrite', function (s) { return s.put(item); }); };
  var dequeue = function (id) { return req('queue', 'readwrite', function (s) { return s.delete(id); }); };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }
  // Today on the phone's calendar (the office's day in Indonesia).
  function today() {
    var d = new Date();
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  function dayFirst(iso) { return iso ? iso.split('-').reverse().join('-') : ''; }
  function addDays(iso, n) {
    var d = new Date(iso + 'T00:00:00');
    d.setDate(d.getDate() + n);
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  var number = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID');
  // Amounts as people type them: 4.000.000 (or 4,000,000): the digits; rupiah have no cents.
  function amount(text) {
    var digits = String(text || '').split(lang === 'en' ? '.' : ',')[0].replace(/[^0-9]/g, '');
    return digits ? parseInt(digits, 10) : 0;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function status(text) { $('field-status').textContent = text; }
  function showOnline() {
    status(navigator.onLine ? t('field.online') : t('field.offline'));
    document.body.classList.toggle('offline', !navigator.onLine);
  }

  // ---------- the caseload ----------
  var data = null;
  function urgency(k) {
    var now = today();
    if (k.due_on < now) return 'overdue';
    return k.due_on <= addDays(now, 7) ? 'due_soon' : 'later';
  }
  function render() {
    var sec = $('field-caseload');
    sec.textContent = '';
    if (!data) return;
    if (!data.kube.length) sec.appendChild(el('p', { class: 'empty' }, t('field.none')));
    // Recomputed on the phone: a phone offline for days moves groups into "due".
    ['overdue', 'due_soon', 'later'].forEach(function (band) {
      var items = data.kube.filter(function (k) { return urgency(k) === band; });
      if (!items.length) return;
      var h = el('h2', { class: 'band ' + band }, t('mentoring.band.' + band) + ' ');
      h.appendChild(el('small', {}, '(' + items.length + ')'));
      sec.appendChild(h);
      var ul = el('ul', { class: 'queue', 'data-band': band });
      items.forEach(function (k) { ul.appendChild(card(k)); });
      sec.appendChild(ul);
    });
    var tr = $('field-trainings');
    tr.textContent = '';
    tr.hidden = !data.trainings.length;
    if (data.trainings.length) {
      tr.appendChild(el('h2', {}, t('field.trainings')));
      var ul = el('ul', { class: 'queue' });
      data.trainings.forEach(function (ev) {
        var li = el('li', { 'data-training': ev.id });
        li.appendChild(el('strong', {}, ev.title));
        li.appendChild(el('br'));
        li.appendChild(el('small', {}, ev.village_name + ' · ' + dayFirst(ev.starts_on) + ' – ' + dayFirst(ev.ends_on)));
        var b = el('button', { type: 'button', class: 'secondary' }, t('field.attendance'));
        b.addEventListener('click', function () { openAttendance(ev); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      tr.appendChild(ul);
    }
    if (data.served_at) {
      var at = new Date(data.served_at).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short' });
      $('field-updated').textContent = t('field.updated', at);
    }
  }
  function card(k) {
    var li = el('li', { 'data-kube': k.id, 'data-urgency': urgency(k) });
    li.appendChild(el('strong', {}, k.name));
    li.appendChild(document.createTextNode(' '));
    li.appendChild(el('span', { class: 'status ' + k.status }, t('status.' + k.status)));
    li.appendChild(el('br'));
    var v = k.last_visit;
    var line = k.village_name + ' · ' + (v ? t('mentoring.last_visit') + ': ' + dayFirst(v.visited_on) : t('mentoring.never')) +
      ' · ' + t('mentoring.due') + ': ' + dayFirst(k.due_on);
    li.appendChild(el('small', {}, line));
    if (v) {
      li.appendChild(el('br'));
      li.appendChild(el('small', {}, t('visit.revenue') + ' ' + number.format(v.revenue) + ' · ' + t('visit.profit') + ' ' +
        number.format(v.profit) + ' · ' + t('visit.savings_balance') + ' ' + number.format(v.savings_balance)));
    }
    var d = el('details');
    d.appendChild(el('summary', {}, t('field.members') + ' (' + k.members.length + ')'));
    var ul = el('ul');
    k.members.forEach(function (m) { ul.appendChild(el('li', {}, m.name + ' · ' + t('member_role.' + m.role))); });
    d.appendChild(ul);
    li.appendChild(d);
    var b = el('button', { type: 'button' }, t('visit.new'));
    b.addEventListener('click', function () { openVisit(k); });
    li.appendChild(b);
    return li;
  }

  // ---------- forms ----------
  var open = null;
  function showForm(id, title) {
    if (open) open.remove();
    var node = document.getElementById(id).content.firstElementChild.cloneNode(true);
    node.querySelector('[data-title]').textContent = title;
    root.insertBefore(node, $('field-caseload'));
    node.querySelector('[data-cancel]').addEventListener('click', function () { node.remove(); open = null; });
    open = node;
    node.scrollIntoView();
    return node;
  }
  function resize(file) {
    // A phone's photo (several MB) becomes at most 1280 px on its long side, as JPEG.
    if (!window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bmp) {
      var scale = Math.min(1, 1280 / Math.max(bmp.width, bmp.height));
      var c = document.createElement('canvas');
      c.width = Math.round(bmp.width * scale);
      c.height = Math.round(bmp.height * scale);
      c.getContext('2d').drawImage(bmp, 0, 0, c.width, c.height);
      return new Promise(function (resolve) { c.toBlob(function (b) { resolve(b || file); }, 'image/jpeg', 0.8); });
    }, function () { return file; });
  }
  function openVisit(k) {
    var node = showForm('field-visit-form', t('field.visit_of', k.name));
    var f = node.querySelector('form');
    f.visited_on.value = today();
    f.visited_on.max = today();
    f.members_present.value = k.members.length;
    node.querySelector('[data-locate]').addEventListener('click', function () {
      var err = node.querySelector('[data-error]');
      err.hidden = true;
      if (!navigator.geolocation) { err.textContent = t('field.location_failed'); err.hidden = false; return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        f.gps.value = p.coords.latitude.toFixed(5) + ',' + p.coords.longitude.toFixed(5);
      }, function () { err.textContent = t('field.location_failed'); err.hidden = false; },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = {
        visited_on: f.visited_on.value,
        operating: f.querySelector('input[name=operating]:checked').value === '1',
        meetings_held: amount(f.meetings_held.value),
        members_present: amount(f.members_present.value),
        books_up_to_date: f.books_up_to_date.checked,
        revenue: amount(f.revenue.value),
        expenses: amount(f.expenses.value),
        savings_balance: amount(f.savings_balance.value),
        asset_count: amount(f.asset_count.value),
        asset_value: amount(f.asset_value.value)
      };
      ['problems', 'actions', 'gps'].forEach(function (n) { if (f[n].value.trim()) body[n] = f[n].value.trim(); });
      var file = f.photo.files && f.photo.files[0];
      (file ? resize(file) : Promise.resolve(null)).then(function (photo) {
        return enqueue({
          id: uuid(), user: me, kind: 'visit', kube_id: k.id, body: body, photo: photo,
          label: t('field.visit_of', k.name) + ' · ' + dayFirst(body.visited_on),
          created_at: new Date().toISOString(), state: 'waiting'
        });
      }).then(function () {
        node.remove();
        open = null;
        status(t('field.queued'));
        return renderQueue();
      }).then(sync);
    });
  }
  function openAttendance(ev) {
    var node = showForm('field-attendance-form', ev.title);
    var f = node.querySelector('form');
    var days = f.querySelector('select[name=day]');
    ev.days.forEach(function (d) { days.appendChild(el('option', { value: d }, dayFirst(d))); });
    days.value = ev.days.indexOf(today()) >= 0 ? today() : ev.days[0];
    var box = node.querySelector('[data-participants]');
    function ticks() {
      box.textContent = '';
      ev.participants.forEach(function (p) {
        var present = ev.present.some(function (x) { return x.person_id === p.person_id && x.day === days.value; });
        var l = el('label');
        var c = el('input', { type: 'checkbox', name: 'present', value: p.person_id });
        c.checked = present;
        l.appendChild(c);
        l.appendChild(document.createTextNode(' ' + p.name));
        box.appendChild(l);
      });
    }
    days.addEventListener('change', ticks);
    ticks();
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var day = days.value;
      var items = [];
      box.querySelectorAll('input[name=present]').forEach(function (c) {
        var pid = +c.value;
        var was = ev.present.some(function (x) { return x.person_id === pid && x.day === day; });
        if (was === c.checked) return; // only what changed is sent
        var name = c.parentNode.textContent.trim();
        items.push({
          id: uuid(), user: me, kind: 'attendance', training_id: ev.id,
          body: { person_id: pid, day: day, present: c.checked },
          label: t('field.attendance_of', ev.title, dayFirst(day)) + ' · ' + name + (c.checked ? ' ✓' : ' ✗'),
          created_at: new Date().toISOString(), state: 'waiting'
        });
        // The phone's copy shows what was recorded, before it is sent.
        ev.present = ev.present.filter(function (x) { return !(x.person_id === pid && x.day === day); });
        if (c.checked) ev.present.push({ person_id: pid, day: day });
      });
      items.reduce(function (p, it) { return p.then(function () { return enqueue(it); }); }, Promise.resolve())
        .then(function () { return kvPut('caseload', data); })
        .then(function () {
          node.remove();
          open = null;
          status(t('field.queued'));
          return renderQueue();
        }).then(sync);
    });
  }

  // ---------- the queue ----------
  function renderQueue() {
    return queued().then(function (all) {
      var mine = all.filter(function (i) { return i.user === me; })
        .sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
      $('field-other').hidden = !all.some(function (i) { return i.user !== me; });
      $('field-queue').hidden = !mine.length;
      $('field-queue-count').textContent = mine.length;
      var ul = $('field-queue-list');
      ul.textContent = '';
      mine.forEach(function (i) {
        var li = el('li', { 'data-state': i.state });
        li.appendChild(document.createTextNode(i.label + ' '));
        if (i.state === 'refused') {
          li.appendChild(el('mark', {}, t('field.refused') + ': ' + i.reason));
          var b = el('button', { type: 'button', class: 'secondary' }, t('field.discard'));
          b.addEventListener('click', function () {
            if (window.confirm(t('field.discard_confirm'))) dequeue(i.id).then(renderQueue);
          });
          li.appendChild(b);
        }
        ul.appendChild(li);
      });
      return mine;
    });
  }
  function reason(r) {
    return r.json().then(function (b) {
      var e = (b && b.error) || {};
      var fields = Object.keys(e.fields || {}).map(function (k) { return e.fields[k]; });
      return (fields.length ? fields.join('; ') : e.message) || String(r.status);
    }, function () { return String(r.status); });
  }
  // One item: 'sent', 'refused' (kept with the reason), 'login' or 'later'.
  function post(url, headers, body) {
    headers['Accept'] = 'application/json';
    headers['Accept-Language'] = lang;
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: headers, body: body });
  }
  function outcome(item, r) {
    if (r.status === 401) return Promise.resolve('login');
    if (r.status >= 500 || r.status === 429) return Promise.resolve('later');
    return reason(r).then(function (why) {
      item.state = 'refused';
      item.reason = why;
      return enqueue(item).then(function () { return 'refused'; });
    });
  }
  function send(item) {
    var first;
    if (item.sent_id) {
      first = Promise.resolve(null);
    } else {
      var url = item.kind === 'visit' ? '/api/v1/kube/' + item.kube_id + '/visits' : '/api/v1/trainings/' + item.training_id + '/attendance';
      first = post(url, { 'Content-Type': 'application/json', 'Idempotency-Key': item.id }, JSON.stringify(item.body));
    }
    return first.then(function (r) {
      if (r && !r.ok) return outcome(item, r);
      return (r ? r.json() : Promise.resolve(null)).then(function (out) {
        if (!item.photo) return dequeue(item.id).then(function () { return 'sent'; });
        // The visit is recorded: only its photo is left to send.
        if (out) { item.sent_id = out.visit.id; }
        return enqueue(item).then(function () {
          return post('/api/v1/visits/' + item.sent_id + '/photos?filename=foto-kunjungan.jpg',
            { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrf, 'Idempotency-Key': item.id + '-photo' }, item.photo);
        }).then(function (p) {
          if (!p.ok) return outcome(item, p);
          return dequeue(item.id).then(function () { return 'sent'; });
        });
      });
    }, function () { return 'later'; });
  }
  var syncing = false;
  function sync() {
    if (syncing) return Promise.resolve();
    if (!navigator.onLine) { showOnline(); return renderQueue(); }
    syncing = true;
    var sent = 0;
    return renderQueue().then(function (mine) {
      var waiting = mine.filter(function (i) { return i.state === 'waiting'; });
      if (waiting.length) status(t('field.sending'));
      return waiting.reduce(function (p, item) {
        return p.then(function (stop) {
          if (stop) return stop;
          return send(item).then(function (o) {
            if (o === 'sent') sent++;
            if (o === 'login') { $('field-relogin').hidden = false; return 'stop'; }
            return o === 'later' ? 'stop' : null;
          });
        });
      }, Promise.resolve(null));
    }).then(function () {
      syncing = false;
      if (sent) {
        status(t('field.sent', sent));
        return refresh();
      }
      showOnline();
    }, function () { syncing = false; }).then(renderQueue);
  }

  // ---------- the caseload kept on the phone ----------
  function keep(fresh) {
    csrf = fresh.csrf;
    data = fresh;
    return kvPut('caseload', data).then(render);
  }
  function refresh() {
    return fetch('/api/v1/field/caseload', { credentials: 'same-origin', headers: { Accept: 'application/json', 'Accept-Language': lang } })
      .then(function (r) {
        if (r.status === 401) { $('field-relogin').hidden = false; return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (fresh) {
        if (!fresh) return;
        $('field-relogin').hidden = true;
        return keep(fresh);
      }, function () { /* no signal: the phone's copy stands */ });
  }

  window.addEventListener('online', function () { showOnline(); sync(); });
  window.addEventListener('offline', showOnline);
  $('field-send').addEventListener('click', sync);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).catch(function () {});
  }
  showOnline();
  // The page carries the caseload as the server read it; the phone's copy may be newer
  // (this page can be the phone's own older copy, opened without signal).
  var served = JSON.parse($('field-data').textContent);
  kvGet('caseload').then(function (kept) {
    // Another account's copy (a phone that changed hands) is not shown.
    var mine = kept && kept.username === me ? kept : null;
    if (mine && !(served.served_at > mine.served_at)) {
      data = mine;
      render();
      return null;
    }
    return keep(served);
  }).then(sync);
})();
