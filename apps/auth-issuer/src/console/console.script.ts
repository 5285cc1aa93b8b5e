/**
 * The console's only script (served as /console/console.js; the CSP allows scripts from 'self' alone).
 * Plain DOM, no framework; every server string goes in through textContent, never as HTML. The admin token
 * lives in a closure variable: never in a URL, never in storage; a reload means signing in again.
 * Kept free of backticks and dollar-brace so it can live in this template literal unchanged.
 */
export const CONSOLE_SCRIPT = String.raw`(function () {
  'use strict';
  var session = null; // { token, expiresAt }
  var timer = null;
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = { pending: '#8ab4f8', active: '#1e8e3e', retired: '#f9ab00', removed: '#9aa0a6', revoked: '#b3261e' };

  function byId(id) { return document.getElementById(id); }
  function fmt(iso) { return iso ? iso.slice(0, 16).replace('T', ' ') + 'Z' : ''; }
  function cell(row, text, cls) { var td = row.insertCell(); td.textContent = text == null ? '' : String(text); if (cls) td.className = cls; return td; }
  function say(text, isError) { var s = byId('status'); s.textContent = text; s.className = isError ? 'error' : ''; }

  // Sign-in: the issuer's own OpenID Connect code flow with PKCE S256 as the built-in public client
  // operator-console, whose only audience is the admin API (RFC 8707 resource). An operator already signed in at
  // the issuer comes straight back (single sign-on). Verifier, state and nonce sit in sessionStorage for the round
  // trip only; the token never leaves this closure.
  var CLIENT_ID = 'operator-console';
  var FLOW_KEY = 'operator-console.sign-in';
  var NOT_ADMIN = 'Not an admin: this account lacks the admin role.';

  function b64url(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function randomValue() { return b64url(crypto.getRandomValues(new Uint8Array(32))); }
  function discovery() {
    return fetch('/.well-known/openid-configuration', { credentials: 'omit', cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error('The issuer is unavailable: try again.');
      return r.json();
    });
  }
  function callbackUri(meta) { return meta.issuer + '/console/callback'; }
  function claimsOf(jwt) {
    var part = String(jwt || '').split('.')[1] || '';
    var padded = part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4);
    return JSON.parse(decodeURIComponent(Array.prototype.map.call(atob(padded), function (c) { return '%' + ('0' + c.charCodeAt(0).toString(16)).slice(-2); }).join('')));
  }

  function startSignIn() {
    return discovery().then(function (meta) {
      var flow = { verifier: randomValue(), state: randomValue(), nonce: randomValue() };
      return crypto.subtle.digest('SHA-256', new TextEncoder().encode(flow.verifier)).then(function (digest) {
        sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));
        var query = new URLSearchParams({
          client_id: CLIENT_ID,
          redirect_uri: callbackUri(meta),
          response_type: 'code',
          scope: 'openid profile',
          state: flow.state,
          nonce: flow.nonce,
          code_challenge: b64url(new Uint8Array(digest)),
          code_challenge_method: 'S256',
          resource: meta.issuer + '/admin'
        });
        location.assign(meta.authorization_endpoint + '?' + query.toString());
      });
    });
  }

  // The authorization response at /console/callback: checked against this tab's state, then redeemed once.
  function finishSignIn(params) {
    var flow = null;
    try { flow = JSON.parse(sessionStorage.getItem(FLOW_KEY) || 'null'); } catch (e) { flow = null; }
    sessionStorage.removeItem(FLOW_KEY);
    history.replaceState(null, '', '/console');
    if (!flow || !params.get('state') || params.get('state') !== flow.state) return Promise.reject(new Error('That sign-in was not started in this tab: sign in again.'));
    if (params.get('error') === 'access_denied') return Promise.reject(new Error(NOT_ADMIN));
    if (params.get('error') || !params.get('code')) return Promise.reject(new Error('Sign-in refused.'));
    var meta;
    return discovery().then(function (m) {
      meta = m;
      if (params.get('iss') !== meta.issuer) throw new Error('Sign-in refused: the response came from another issuer.');
      return fetch(meta.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: params.get('code'),
          redirect_uri: callbackUri(meta),
          client_id: CLIENT_ID,
          code_verifier: flow.verifier
        }).toString(),
        credentials: 'omit',
        cache: 'no-store'
      });
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 429) throw new Error('Too many attempts: wait, then try again.');
        if (!r.ok) throw new Error(body.error === 'invalid_target' ? NOT_ADMIN : 'Sign-in refused.');
        var id = claimsOf(body.id_token);
        if (id.nonce !== flow.nonce || id.iss !== meta.issuer) throw new Error('Sign-in refused: the ID token does not belong to this sign-in.');
        var signed = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000, who: id.sub };
        // The name to show comes from UserInfo (profile scope); the subject id does if that fails.
        return fetch(meta.userinfo_endpoint, { headers: { authorization: 'Bearer ' + signed.token }, credentials: 'omit', cache: 'no-store' })
          .then(function (u) { return u.ok ? u.json() : {}; })
          .then(function (info) { signed.who = info.preferred_username || signed.who; return signed; }, function () { return signed; });
      });
    });
  }

  function api(method, path) {
    if (!session || Date.now() >= session.expiresAt) { signOut('Session ended: sign in again.'); return Promise.reject(new Error('signed out')); }
    return fetch(path, { method: method, headers: { authorization: 'Bearer ' + session.token }, credentials: 'omit', cache: 'no-store' }).then(function (r) {
      if (r.status === 401) { signOut('Session ended: sign in again.'); throw new Error('signed out'); }
      if (r.status === 403) { signOut('This account lacks the admin role.'); throw new Error('forbidden'); }
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body.error_description || body.error || ('HTTP ' + r.status));
        return body;
      });
    });
  }

  function signOut(message) {
    session = null;
    if (timer) clearInterval(timer);
    timer = null;
    byId('dashboard').hidden = true;
    byId('sign-out').hidden = true;
    byId('sign-in').hidden = false;
    byId('who').textContent = '';
    byId('sign-in-error').textContent = message || '';
  }

  function load() {
    return Promise.all([api('GET', '/admin/console/overview'), api('GET', '/admin/audit/events?limit=50')]).then(function (results) {
      renderTimeline(results[0]);
      renderKeys(results[0]);
      renderEvents(results[1].events);
    }).catch(function (error) { if (session) say(error.message, true); });
  }

  function shown(keys) {
    return keys.slice().sort(function (a, b) { return a.events.created < b.events.created ? 1 : -1; }).slice(0, 8).reverse();
  }

  function stateAt(key) { return key.events.revoked ? 'revoked' : key.state; }

  function renderTimeline(overview) {
    var keys = shown(overview.keys);
    var now = Date.parse(overview.now);
    var times = [now];
    keys.forEach(function (k) { Object.keys(k.events).forEach(function (e) { times.push(Date.parse(k.events[e])); }); });
    var start = Math.min.apply(null, times), end = Math.max.apply(null, times);
    var pad = Math.max((end - start) * 0.05, 60000);
    start -= pad; end += pad;
    var width = 1000, left = 150, right = 20, rowH = 34, top = 26;
    var height = top + keys.length * rowH + 30;
    var x = function (t) { return left + (t - start) / (end - start) * (width - left - right); };
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Signing-key timeline');
    function el(name, attrs, text) {
      var node = document.createElementNS(SVG, name);
      Object.keys(attrs).forEach(function (a) { node.setAttribute(a, String(attrs[a])); });
      if (text != null) node.textContent = text;
      svg.appendChild(node);
      return node;
    }
    function bar(row, from, to, color, label, projected) {
      if (!from || !to) return;
      var x1 = x(Date.parse(from)), x2 = Math.max(x(Date.parse(to)), x1 + 2);
      var rect = el('rect', { x: x1, y: top + row * rowH + 6, width: x2 - x1, height: 16, fill: color, 'fill-opacity': projected ? 0.35 : 0.9, stroke: color, 'stroke-dasharray': projected ? '4 3' : 'none' });
      var title = document.createElementNS(SVG, 'title');
      title.textContent = label + ': ' + fmt(from) + ' to ' + fmt(to) + (projected ? ' (scheduled)' : '');
      rect.appendChild(title);
    }
    keys.forEach(function (k, row) {
      var e = k.events;
      el('text', { x: 4, y: top + row * rowH + 18 }, k.kid.slice(0, 16) + ' ' + stateAt(k));
      var activeFrom = e.activated;
      bar(row, e.created, activeFrom || e.removed || e.activate_after, COLORS.pending, 'pending', !activeFrom && !e.removed);
      if (activeFrom) bar(row, activeFrom, e.retired || e.removed || e.rotation_due, COLORS.active, 'active', !e.retired && !e.removed);
      if (e.retired) bar(row, e.retired, e.removed || e.remove_after, COLORS.retired, 'retired', !e.removed);
      if (e.removed) el('circle', { cx: x(Date.parse(e.removed)), cy: top + row * rowH + 14, r: 5, fill: e.revoked ? COLORS.revoked : COLORS.removed });
      if (k.next) {
        var at = x(Date.parse(k.next.at)), late = at > width * 0.6;
        el('text', { x: late ? at - 4 : at + 6, y: top + row * rowH + 32, 'text-anchor': late ? 'end' : 'start' }, 'next: ' + k.next.transition + ' ' + fmt(k.next.at));
      }
    });
    var nx = x(now);
    el('line', { x1: nx, x2: nx, y1: top - 6, y2: height - 24, stroke: '#1d2330', 'stroke-width': 1, 'stroke-dasharray': '2 2' });
    el('text', { x: nx + 3, y: top - 10 }, 'now ' + fmt(overview.now));
    el('text', { x: left, y: height - 8 }, fmt(new Date(start).toISOString()));
    el('text', { x: width - right - 110, y: height - 8 }, fmt(new Date(end).toISOString()));
    var lx = left + 170;
    ['pending', 'active', 'retired', 'removed', 'revoked'].forEach(function (s, i) {
      el('rect', { x: lx + i * 85, y: height - 18, width: 10, height: 10, fill: COLORS[s] });
      el('text', { x: lx + i * 85 + 14, y: height - 9 }, s);
    });
    var box = byId('timeline');
    box.replaceChildren(svg);
  }

  function renderKeys(overview) {
    var body = byId('keys').tBodies[0];
    body.replaceChildren();
    overview.keys.filter(function (k) { return k.state !== 'removed'; }).forEach(function (k) {
      var row = body.insertRow();
      cell(row, k.kid);
      cell(row, k.alg);
      cell(row, stateAt(k));
      cell(row, k.next ? k.next.transition + ' ' + fmt(k.next.at) : '');
      cell(row, overview.traffic.signed[k.kid] || 0);
      cell(row, overview.traffic.verified[k.kid] || 0);
      var action = row.insertCell();
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'danger revoke';
      button.textContent = 'Revoke…';
      button.dataset.kid = k.kid;
      button.addEventListener('click', function () { revoke(k.kid); });
      action.appendChild(button);
    });
  }

  function renderEvents(events) {
    var body = byId('events').tBodies[0];
    body.replaceChildren();
    events.forEach(function (event) {
      var row = body.insertRow();
      cell(row, fmt(event.at));
      cell(row, event.type);
      cell(row, event.subject || '');
      cell(row, JSON.stringify(event.details), 'details');
    });
  }

  // A confirmation step for every key change; revocation also asks for the kid to be typed.
  function confirmAction(text, typed) {
    return new Promise(function (resolve) {
      var dialog = byId('confirm'), input = byId('confirm-typed'), ok = byId('confirm-ok'), cancel = byId('confirm-cancel');
      byId('confirm-text').textContent = text;
      byId('confirm-typed-label').hidden = !typed;
      input.value = '';
      ok.disabled = Boolean(typed);
      input.oninput = function () { ok.disabled = input.value !== typed; };
      ok.onclick = function () { dialog.close(); resolve(true); };
      cancel.onclick = function () { dialog.close(); resolve(false); };
      dialog.oncancel = function () { resolve(false); };
      dialog.showModal();
      (typed ? input : cancel).focus();
    });
  }

  function rotate() {
    confirmAction('Rotate now? The next key starts signing at once and the current one retires; it stays published until its last token expires.').then(function (yes) {
      if (!yes) return;
      say('Rotating…');
      return api('POST', '/admin/keys/rotate').then(function (result) {
        say('Rotated: ' + result.kid + ' signs now' + (result.retired_kid ? ', ' + result.retired_kid + ' retired.' : '.'));
        return load();
      });
    }).catch(function (error) { if (session) say(error.message, true); });
  }

  function revoke(kid) {
    confirmAction('Revoke key ' + kid + '? It leaves the JWKS now and its private key is destroyed: every token it signed stops working everywhere.', kid).then(function (yes) {
      if (!yes) return;
      say('Revoking…');
      return api('POST', '/admin/keys/' + encodeURIComponent(kid) + '/revoke').then(function () {
        say('Revoked ' + kid + '.');
        return load();
      });
    }).catch(function (error) { if (session) say(error.message, true); });
  }

  function signedIn(s) {
    session = s;
    byId('sign-in').hidden = true;
    byId('dashboard').hidden = false;
    byId('sign-out').hidden = false;
    byId('who').textContent = s.who;
    timer = setInterval(load, 15000);
    return load();
  }

  document.addEventListener('DOMContentLoaded', function () {
    byId('sign-in-form').addEventListener('submit', function (event) {
      event.preventDefault();
      byId('sign-in-error').textContent = '';
      startSignIn().catch(function (error) { byId('sign-in-error').textContent = error.message; });
    });
    byId('sign-out').addEventListener('click', function () { signOut(''); });
    byId('reload').addEventListener('click', load);
    byId('rotate').addEventListener('click', rotate);
    if (location.pathname === '/console/callback') {
      finishSignIn(new URLSearchParams(location.search)).then(signedIn).catch(function (error) { signOut(error.message); });
    }
  });
})();
`;
