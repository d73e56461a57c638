// keycard's operator page: what this instance sees now and over the last hour, from the admin API
// (GET /api/v1/admin/overview and /anomalies), and one action, ending a session, which is the admin
// API's too. It needs the keycard:admin scope and adds no authority of its own.
'use strict';

(() => {
  const EVERY_MS = 5_000;
  const SVG = 'http://www.w3.org/2000/svg';
  const el = (id) => document.getElementById(id);
  const state = {timer: null, failed: false};

  const session = window.keycardSession({
    signedIn() {
      el('operator').hidden = false;
      update();
      clearInterval(state.timer);
      state.timer = setInterval(update, EVERY_MS);
    },
    signedOut() {
      clearInterval(state.timer);
      el('operator').hidden = true;
    },
  });

  async function update() {
    const [overview, anomalies] = await Promise.all([
      session.api('GET', '/api/v1/admin/overview'),
      session.api('GET', '/api/v1/admin/anomalies?limit=20'),
    ]);
    if (overview.status === 403) {
      clearInterval(state.timer);
      el('operator').hidden = true;
      session.say('This page is for operators: your account does not have the keycard:admin scope.', true);
      return;
    }
    if (overview.status === 401) {
      session.ended();
      return;
    }
    if (!overview.ok) {
      state.failed = true;
      session.say('The overview could not be read (' + overview.status + ').', true);
      return;
    }
    if (state.failed) {
      state.failed = false;
      session.say(''); // the failure above is over; other messages (a session ended) stay
    }
    const view = await overview.json();
    figures(view);
    charts(view.history);
    sessions(view.sessions);
    streams(view.streams);
    if (anomalies.ok) {
      anomalyRows((await anomalies.json()).anomalies);
    }
    el('updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + '.';
  }

  function figures(view) {
    const propagation = view.revocation_propagation;
    const tiles = [
      ['Active sessions', view.active_sessions, 'active-sessions'],
      ['Viewers at this edge', view.viewers, 'viewers'],
      ['Live streams', view.streams.filter((s) => s.live).length, 'live-streams'],
      ['Logins', view.totals.logins_succeeded, 'logins'],
      ['Failed logins', view.totals.logins_failed, 'failed-logins'],
      ['Rate-limited requests', view.totals.rate_limited, 'rate-limited'],
      ['Anomalies', view.totals.anomalies, 'anomalies'],
      ['Revocation delay (mean / max)',
        propagation ? propagation.mean_ms + ' / ' + propagation.max_ms + ' ms' : 'none yet', 'propagation'],
    ];
    el('figures').replaceChildren(...tiles.map(([label, value, id]) => {
      const tile = document.createElement('div');
      tile.className = 'figure';
      tile.dataset.figure = id;
      const v = document.createElement('div');
      v.className = 'value';
      v.textContent = String(value);
      const l = document.createElement('div');
      l.className = 'label';
      l.textContent = label;
      tile.append(v, l);
      return tile;
    }));
  }

  /** A line per series over the minutes the server kept (up to an hour), drawn as plain SVG. */
  function charts(history) {
    const series = [
      ['Logins a minute', 'logins_succeeded', false],
      ['Failed logins a minute', 'logins_failed', true],
      ['Rate-limited requests a minute', 'rate_limited', true],
      ['Anomalies a minute', 'anomalies', true],
      ['Viewers', 'viewers', false],
      ['Active sessions', 'active_sessions', false],
    ];
    el('charts').replaceChildren(...series.map(([title, key, bad]) => {
      const values = history.map((minute) => minute[key]);
      const figure = document.createElement('figure');
      figure.className = 'chart' + (bad ? ' bad' : '');
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', '0 0 60 20');
      svg.setAttribute('preserveAspectRatio', 'none');
      const peak = Math.max(0, ...values);
      const scale = Math.max(1, peak);
      const offset = 60 - values.length;
      const points = values.map((v, i) => [offset + i + 0.5, 19.5 - (v / scale) * 18]);
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', points.map(([x, y]) => x + ',' + y).join(' '));
      svg.append(line);
      for (const [x, y] of points) { // a dot a minute: one minute of history is a dot, not nothing
        const dot = document.createElementNS(SVG, 'rect');
        dot.setAttribute('x', x - 0.4);
        dot.setAttribute('y', y - 0.4);
        dot.setAttribute('width', 0.8);
        dot.setAttribute('height', 0.8);
        svg.append(dot);
      }
      const caption = document.createElement('figcaption');
      caption.textContent = title + (values.length ? ' · this minute so far ' + values[values.length - 1]
          + ', peak ' + peak : ' · no data yet');
      figure.append(svg, caption);
      return figure;
    }));
  }

  function cells(row, texts) {
    for (const text of texts) {
      const cell = document.createElement('td');
      cell.textContent = text == null ? '' : String(text);
      row.append(cell);
    }
  }

  function endButton(sid) {
    const cell = document.createElement('td');
    if (!sid) {
      return cell;
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'End session';
    button.dataset.sid = sid;
    button.addEventListener('click', async () => {
      const response = await session.api('DELETE', '/api/v1/admin/sessions/' + encodeURIComponent(sid));
      session.say(response.ok ? 'Session ' + sid.slice(0, 8) + '… ended on every instance.'
          : 'The session could not be ended (' + response.status + ').', !response.ok);
      update();
    });
    cell.append(button);
    return cell;
  }

  function sessions(list) {
    el('sessions').tBodies[0].replaceChildren(...list.map((s) => {
      const row = document.createElement('tr');
      row.dataset.user = s.user || '';
      cells(row, [s.user || '(edge only)', s.sid.slice(0, 8) + '…', new Date(s.last_used * 1000).toLocaleTimeString(),
        s.last_ip, s.streams.join(', ')]);
      row.append(endButton(s.sid));
      return row;
    }));
  }

  function streams(list) {
    el('streams').tBodies[0].replaceChildren(...list.map((s) => {
      const row = document.createElement('tr');
      cells(row, [s.stream_id, s.live ? 'live' : 'offline', s.viewers]);
      return row;
    }));
  }

  function anomalyRows(list) {
    el('anomalies').tBodies[0].replaceChildren(...list.map((a) => {
      const row = document.createElement('tr');
      cells(row, [new Date(a.time).toLocaleTimeString(), a.kind, a.user, a.client_ip, a.action]);
      row.append(endButton(a.sid));
      return row;
    }));
  }
})();
