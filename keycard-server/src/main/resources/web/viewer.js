// keycard's web player: the streams the account may watch, the player (hls.js), and the account's
// sessions. Signing in, refreshing and signing out are session.js's.
'use strict';

(() => {
  const STREAMS_EVERY_MS = 10_000;
  const el = (id) => document.getElementById(id);
  const state = {hls: null, watching: null, streamsTimer: null, offline: new Set()};

  const session = window.keycardSession({
    signedIn() {
      el('viewer').hidden = false;
      loadStreams();
      loadSessions();
      clearInterval(state.streamsTimer);
      state.streamsTimer = setInterval(loadStreams, STREAMS_EVERY_MS);
    },
    signedOut() {
      clearInterval(state.streamsTimer);
      stopPlayer();
      el('viewer').hidden = true;
    },
  });
  const api = session.api;
  const say = session.say;
  const errorOf = session.errorOf;

  // ---- streams and the player -------------------------------------------------------------------

  async function loadStreams() {
    const response = await api('GET', '/api/v1/streams');
    if (!response.ok) {
      if (response.status === 401) {
        session.ended();
      }
      return;
    }
    const list = el('streams');
    const streams = (await response.json()).streams;
    state.offline = new Set(streams.filter((stream) => stream.live === false).map((stream) => stream.stream_id));
    const items = streams.map((stream) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = stream.stream_id;
      const badge = document.createElement('span');
      badge.className = 'badge' + (stream.live === false ? '' : ' live');
      badge.textContent = stream.live === false ? 'offline' : 'live';
      const watch = document.createElement('button');
      watch.type = 'button';
      watch.textContent = 'Watch';
      watch.dataset.stream = stream.stream_id;
      watch.addEventListener('click', () => startStream(stream.stream_id));
      item.append(name, badge, watch);
      return item;
    });
    list.replaceChildren(...items);
    if (items.length === 0) {
      const none = document.createElement('li');
      none.textContent = 'Your account may not watch any stream.';
      list.replaceChildren(none);
    }
  }

  async function startStream(streamId) {
    say('');
    if (state.offline.has(streamId)) {
      await loadStreams(); // it may have gone live since the list was drawn
      if (state.offline.has(streamId)) {
        say('“' + streamId + '” is offline. It plays here as soon as it goes live.', true);
        return;
      }
    }
    const response = await api('POST', '/api/v1/stream/start', {stream_id: streamId});
    if (!response.ok) {
      const error = await errorOf(response);
      if (error.error === 'insufficient_scope') {
        say('Your account is not entitled to watch “' + streamId + '”.', true);
      } else if (error.error === 'too_many_streams') {
        say('You are already watching as many streams as your account allows. Stop one to start another.', true);
      } else if (error.error === 'unknown_stream') {
        say('There is no stream “' + streamId + '”.', true);
      } else if (response.status === 401) {
        session.ended();
      } else {
        say(error.error_description || 'The stream could not be started (' + response.status + ').', true);
      }
      return;
    }
    play(streamId, (await response.json()).playlist_url);
  }

  function play(streamId, url) {
    stopPlayer();
    const video = el('player');
    state.watching = streamId;
    el('now-playing').textContent = 'Watching ' + streamId;
    if (window.Hls && window.Hls.isSupported()) {
      // No worker: the CSP allows scripts from this origin only, and a worker would need blob: URLs.
      const hls = new window.Hls({enableWorker: false});
      state.hls = hls;
      hls.on(window.Hls.Events.ERROR, (event, data) => {
        if (data.fatal) {
          playbackFailed(streamId, data);
        }
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else {
      video.src = url; // Safari plays HLS itself
    }
    video.play().catch(() => {});
  }

  async function playbackFailed(streamId, data) {
    const status = data.response && data.response.code;
    stopPlayer();
    if (status === 404 || status === 503) { // the edge: no such playlist, or stream_offline
      say('“' + streamId + '” is offline.', true);
      return;
    }
    // The edge refuses a revoked session's URLs: find out whether the session still stands.
    const response = await api('GET', '/api/v1/me');
    if (response.ok) {
      say('Playback of “' + streamId + '” stopped (' + (status || data.details) + '). Press Watch to try again.', true);
    } else {
      session.ended();
    }
  }

  function stopPlayer() {
    if (state.hls) {
      state.hls.destroy();
      state.hls = null;
    }
    const video = el('player');
    video.pause();
    video.removeAttribute('src');
    video.load();
    state.watching = null;
    el('now-playing').textContent = 'Pick a stream to watch.';
  }

  // ---- sessions -------------------------------------------------------------------------------

  async function loadSessions() {
    const response = await api('GET', '/api/v1/sessions');
    if (!response.ok) {
      return;
    }
    const rows = (await response.json()).sessions.map((seen) => {
      const row = document.createElement('tr');
      const cells = [
        (seen.current ? 'This browser: ' : '') + deviceName(seen.device, seen.client_id),
        seen.last_used ? new Date(seen.last_used * 1000).toLocaleString() : 'not seen yet',
        [seen.country, seen.last_ip].filter(Boolean).join(' · ') || 'unknown',
        new Date(seen.created_at * 1000).toLocaleString(),
      ].map((text) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        return cell;
      });
      const action = document.createElement('td');
      const end = document.createElement('button');
      end.type = 'button';
      end.textContent = seen.current ? 'Sign out' : 'End';
      end.dataset.sid = seen.sid;
      end.addEventListener('click', () => (seen.current ? session.signOut() : endSession(seen.sid)));
      action.append(end);
      row.append(...cells, action);
      return row;
    });
    el('sessions').tBodies[0].replaceChildren(...rows);
  }

  /** "Chrome on Linux" from a User-Agent: enough for a person to recognise a device of theirs. */
  function deviceName(userAgent, clientId) {
    if (!userAgent) {
      return clientId ? 'an app (' + clientId + ')' : 'unknown';
    }
    const browsers = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'], ['curl/', 'curl'], ['ffmpeg', 'ffmpeg'], ['Lavf/', 'ffmpeg']];
    const systems = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'],
      ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux']];
    const browser = browsers.find(([mark]) => userAgent.includes(mark));
    const system = systems.find(([mark]) => userAgent.includes(mark));
    const name = browser ? browser[1] : userAgent.split(/[ /]/)[0];
    return system ? name + ' on ' + system[1] : name;
  }

  async function endSession(sid) {
    const response = await api('DELETE', '/api/v1/sessions/' + encodeURIComponent(sid));
    if (!response.ok && response.status !== 404) {
      say('The session could not be ended (' + response.status + ').', true);
    }
    loadSessions();
  }

})();
