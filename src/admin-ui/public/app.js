// The key dashboard: plain browser JavaScript against the admin API, no build step.
// The token (admin token or a staff user's access token) is kept in sessionStorage for this tab only.
(function () {
  'use strict';
  var $ = function (id) {
    return document.getElementById(id);
  };
  var TOKEN = 'algoagent-admin-token';

  function text(value) {
    return document.createTextNode(value == null ? '—' : String(value));
  }
  function cell(row, content) {
    var td = document.createElement('td');
    td.appendChild(content instanceof Node ? content : text(content));
    row.appendChild(td);
    return td;
  }
  function showError(message) {
    $('error').textContent = message || '';
  }

  function api(method, path) {
    return fetch(path, { method: method, headers: { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN) } }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (body) {
          if (!res.ok) throw Object.assign(new Error(body.error || 'HTTP ' + res.status), { status: res.status });
          return body;
        });
    });
  }

  function quota(q) {
    var span = document.createElement('span');
    if (!q || !q.limit) {
      span.textContent = q ? q.used + ' / —' : '—';
      return span;
    }
    var track = document.createElement('span');
    track.className = 'track';
    var bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = Math.min(100, Math.round((q.used / q.limit) * 100)) + '%';
    track.appendChild(bar);
    span.appendChild(track);
    span.appendChild(text(q.used + ' / ' + q.limit + (q.learned ? ' (learned ' + q.learned + ')' : '')));
    return span;
  }

  function action(key) {
    var button = document.createElement('button');
    var disabled = key.state === 'disabled';
    button.textContent = disabled ? 'Enable' : 'Disable';
    button.dataset.key = key.key_id;
    button.addEventListener('click', function () {
      api('POST', '/api/keys/' + encodeURIComponent(key.key_id) + (disabled ? '/enable' : '/disable')).then(refresh, fail);
    });
    return button;
  }

  function renderKeys(health) {
    var body = $('keys').tBodies[0];
    body.textContent = '';
    $('summary').textContent = health.usable_keys + ' of ' + health.total_keys + ' usable · ' + health.rotation_strategy;
    health.keys.forEach(function (k) {
      var row = body.insertRow();
      row.dataset.key = k.key_id;
      cell(row, k.key_id);
      cell(row, k.project);
      cell(row, k.model);
      var state = document.createElement('span');
      state.className = 'state ' + k.state;
      state.textContent = k.state;
      cell(row, state);
      cell(row, k.reason);
      cell(row, k.cooldown_until ? new Date(k.cooldown_until).toLocaleTimeString() : null);
      cell(row, quota(k.rpm));
      cell(row, quota(k.tpm));
      cell(row, quota(k.rpd));
      cell(row, k.pinned_users);
      cell(row, k.success_count + ' / ' + k.error_count);
      cell(row, action(k));
    });
  }

  function chart(svg, days, field) {
    svg.textContent = '';
    var ns = 'http://www.w3.org/2000/svg';
    var width = svg.clientWidth || 600,
      height = 140,
      pad = 18;
    var max = Math.max.apply(
      null,
      days
        .map(function (d) {
          return d[field];
        })
        .concat([1]),
    );
    var step = (width - pad) / days.length;
    days.forEach(function (d, i) {
      var h = Math.round(((height - 2 * pad) * d[field]) / max);
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', String(pad + i * step + 2));
      rect.setAttribute('width', String(Math.max(2, step - 4)));
      rect.setAttribute('y', String(height - pad - h));
      rect.setAttribute('height', String(h));
      rect.setAttribute('fill', '#4a7bd0');
      var title = document.createElementNS(ns, 'title');
      title.textContent = d.day + ': ' + d[field];
      rect.appendChild(title);
      svg.appendChild(rect);
      var label = document.createElementNS(ns, 'text');
      label.setAttribute('x', String(pad + i * step + 2));
      label.setAttribute('y', String(height - 4));
      label.textContent = d.day.slice(5);
      svg.appendChild(label);
      if (d[field] > 0) {
        var value = document.createElementNS(ns, 'text');
        value.setAttribute('x', String(pad + i * step + 2));
        value.setAttribute('y', String(height - pad - h - 3));
        value.textContent = String(d[field]);
        svg.appendChild(value);
      }
    });
  }

  function renderUsage(usage) {
    chart($('chart-requests'), usage.by_day, 'requests');
    chart(
      $('chart-tokens'),
      usage.by_day.map(function (d) {
        return { day: d.day, tokens: d.prompt_tokens + d.output_tokens };
      }),
      'tokens',
    );
    var body = $('by-key').tBodies[0];
    body.textContent = '';
    usage.by_key.forEach(function (k) {
      var r = body.insertRow();
      cell(r, k.key_id);
      cell(r, k.requests);
      cell(r, k.prompt_tokens);
      cell(r, k.output_tokens);
    });
  }

  function renderEvents(events) {
    var body = $('events').tBodies[0];
    body.textContent = '';
    events.forEach(function (e) {
      var r = body.insertRow();
      cell(r, new Date(e.at).toLocaleString());
      cell(r, e.key_id);
      cell(r, e.event);
      cell(r, e.reason);
    });
  }

  function refresh() {
    return Promise.all([
      api('GET', '/api/keys/health'),
      api('GET', '/api/keys/usage?days=14'),
      api('GET', '/api/keys/events?limit=20'),
    ]).then(function (r) {
      showError('');
      $('signin').hidden = true;
      $('dashboard').hidden = false;
      $('reload').hidden = false;
      $('signout').hidden = false;
      renderKeys(r[0]);
      renderUsage(r[1]);
      renderEvents(r[2]);
    }, fail);
  }

  function fail(error) {
    if (error.status === 401 || error.status === 403) {
      sessionStorage.removeItem(TOKEN);
      signedOut();
    }
    showError(error.message);
  }

  function signedOut() {
    $('signin').hidden = false;
    $('dashboard').hidden = true;
    $('reload').hidden = true;
    $('signout').hidden = true;
  }

  $('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(TOKEN, $('token').value.trim());
    $('token').value = '';
    refresh();
  });
  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    fetch('/api/auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: $('username').value, password: $('password').value }),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.error || 'Sign-in failed');
          return body;
        });
      })
      .then(function (body) {
        sessionStorage.setItem(TOKEN, (body.tokens || body).access);
        $('password').value = '';
        return refresh();
      })
      .catch(function (e) {
        showError(e.message);
      });
  });
  $('reload').addEventListener('click', function () {
    api('POST', '/api/keys/reload').then(refresh, fail);
  });
  $('signout').addEventListener('click', function () {
    sessionStorage.removeItem(TOKEN);
    signedOut();
  });

  if (sessionStorage.getItem(TOKEN)) refresh();
  else signedOut();
  setInterval(function () {
    if (sessionStorage.getItem(TOKEN) && !$('dashboard').hidden) refresh();
  }, 10000);
})();
