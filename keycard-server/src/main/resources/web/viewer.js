// keycard's web player. The session lives in HttpOnly cookies that this script cannot read; what it
// holds is the session's CSRF token, in memory only (never in localStorage or sessionStorage), which
// it sends back in X-CSRF-Token with every request that changes something.
'use strict';

(() => {
  const CSRF_HEADER = 'X-CSRF-Token';
  /** How many seconds before the access cookie expires a refresh starts (a third of a short life). */
  const MAX_REFRESH_LEAD = 60;
  const STREAMS_EVERY_MS = 10_000;

  const state = {
    subject: null,
    csrf: null,
    lifetime: null,
    refreshTimer: null,
    streamsTimer: null,
    hls: null,
    watching: null,
  };
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel('keycard-session') : null;
  const el = (id) => document.getElementById(id);

  // ---- messages -------------------------------------------------------------------------------

  function say(text, isError) {
    const message = el('message');
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
    message.hidden = !text;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  function request(method, path, body, extraHeaders) {
    const headers = Object.assign({}, extraHeaders);
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && state.csrf) {
      headers[CSRF_HEADER] = state.csrf;
    }
    return fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  }

  async function errorOf(response) {
    try {
      return await response.clone().json();
    } catch (e) {
      return {};
    }
  }

  /**
   * An API call with the session cookie. A 401 means the access cookie expired (or the session
   * ended): one silent refresh, then one retry. A 403 csrf_rejected means the CSRF token is stale
   * (its key was rotated away): a fresh one, then one retry.
   */
  async function api(method, path, body) {
    let response = await request(method, path, body);
    if (response.status === 401 && state.subject) {
      if (!(await refresh())) {
        return response;
      }
      response = await request(method, path, body);
    } else if (response.status === 403 && (await errorOf(response)).error === 'csrf_rejected') {
      if (await loadCsrf()) {
        response = await request(method, path, body);
      }
    }
    return response;
  }

  async function loadCsrf() {
    const response = await request('GET', '/auth/session/refresh');
    if (!response.ok) {
      return false;
    }
    state.csrf = (await response.json()).csrf_token;
    return true;
  }

  // ---- the session ----------------------------------------------------------------------------

  let refreshing = null;

  /**
   * Renews the access cookie with the refresh cookie. Single flight: one refresh at a time in this
   * tab (concurrent callers share it) and, through the Web Locks API, across every tab of the
   * browser, since they share the cookies. A tab that gets the lock after another tab refreshed sees
   * a fresh access cookie and does not refresh again; the server's grace window covers browsers
   * without Web Locks.
   */
  function refresh() {
    if (!refreshing) {
      const run = () => renew();
      const flight = navigator.locks ? navigator.locks.request('keycard-refresh', run) : run();
      refreshing = flight.finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function renew() {
    const current = await request('GET', '/auth/session');
    if (current.ok) {
      const session = await current.json();
      if (session.expires_in > refreshLead() + 2) {
        signedIn(session, session.expires_in);
        return true;
      }
    }
    if (!state.csrf && !(await loadCsrf())) {
      sessionEnded();
      return false;
    }
    let response = await request('POST', '/auth/session/refresh');
    if (response.status === 403 && (await loadCsrf())) {
      response = await request('POST', '/auth/session/refresh');
    }
    if (!response.ok) {
      sessionEnded();
      return false;
    }
    const session = await response.json();
    state.lifetime = session.expires_in;
    signedIn(session, session.expires_in);
    return true;
  }

  function refreshLead() {
    return Math.min(MAX_REFRESH_LEAD, (state.lifetime || 3 * MAX_REFRESH_LEAD) / 3);
  }

  function signedIn(session, expiresIn) {
    const first = state.subject === null;
    state.subject = session.sub;
    if (session.csrf_token) {
      state.csrf = session.csrf_token;
    }
    clearTimeout(state.refreshTimer);
    const inSeconds = Math.max(1, expiresIn - refreshLead());
    state.refreshTimer = setTimeout(refresh, inSeconds * 1000);
    if (first) {
      el('who').textContent = 'Signed in as ' + session.sub;
      el('sign-in').hidden = true;
      el('account').hidden = false;
      el('viewer').hidden = false;
      loadStreams();
      loadSessions();
      clearInterval(state.streamsTimer);
      state.streamsTimer = setInterval(loadStreams, STREAMS_EVERY_MS);
    }
  }

  function signedOut(message, isError) {
    state.subject = null;
    state.csrf = null;
    clearTimeout(state.refreshTimer);
    clearInterval(state.streamsTimer);
    stopPlayer();
    el('account').hidden = true;
    el('viewer').hidden = true;
    el('sign-in').hidden = false;
    el('password').value = '';
    say(message, isError);
  }

  function sessionEnded() {
    if (state.subject !== null) {
      signedOut('Your session has ended: you were signed out elsewhere, or it expired. Sign in again.', true);
    }
  }

  async function resume() {
    const current = await request('GET', '/auth/session');
    if (current.ok) {
      const session = await current.json();
      signedIn(session, session.expires_in);
      return;
    }
    // No access cookie (it expired during a pause, or the page is new): the refresh cookie, if any.
    if (!(await loadCsrf()) || !(await refresh())) {
      signedOut('');
    }
  }

  async function signIn(event) {
    event.preventDefault();
    say('');
    const button = el('sign-in-button');
    button.disabled = true;
    try {
      const response = await request('POST', '/auth/session',
          {username: el('username').value, password: el('password').value});
      if (response.ok) {
        const session = await response.json();
        state.lifetime = session.expires_in;
        el('password').value = '';
        signedIn(session, session.expires_in);
        return;
      }
      const error = await errorOf(response);
      if (response.status === 429) {
        say('Too many failed attempts. Try again in ' + (response.headers.get('Retry-After') || 'a few') + ' seconds.', true);
      } else if (response.status === 401 || error.error === 'invalid_grant') {
        say('Wrong username or password.', true);
      } else {
        say(error.error_description || 'Signing in failed (' + response.status + ').', true);
      }
    } catch (e) {
      say('keycard cannot be reached. Check your connection and try again.', true);
    } finally {
      button.disabled = false;
    }
  }

  async function signOut() {
    await api('POST', '/auth/session/logout');
    if (channel) {
      channel.postMessage({type: 'signed-out'});
    }
    signedOut('You are signed out.');
  }

  async function signOutEverywhere() {
    const response = await api('DELETE', '/api/v1/sessions');
    if (!response.ok) {
      say('Signing out everywhere failed (' + response.status + ').', true);
      return;
    }
    if (channel) {
      channel.postMessage({type: 'signed-out'});
    }
    signedOut('You are signed out on every device.');
  }

  // ---- streams and the player -------------------------------------------------------------------

  async function loadStreams() {
    const response = await api('GET', '/api/v1/streams');
    if (!response.ok) {
      if (response.status === 401) {
        sessionEnded();
      }
      return;
    }
    const list = el('streams');
    const items = (await response.json()).streams.map((stream) => {
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
        sessionEnded();
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
    if (status === 404) {
      say('“' + streamId + '” is offline.', true);
      return;
    }
    // The edge refuses a revoked session's URLs: find out whether the session still stands.
    const response = await api('GET', '/api/v1/me');
    if (response.ok) {
      say('Playback of “' + streamId + '” stopped (' + (status || data.details) + '). Press Watch to try again.', true);
    } else {
      sessionEnded();
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
    const rows = (await response.json()).sessions.map((session) => {
      const row = document.createElement('tr');
      const cells = [
        session.current ? 'This browser' : (session.client_id || 'unknown'),
        session.last_used ? new Date(session.last_used * 1000).toLocaleString() : 'not seen yet',
        [session.country, session.last_ip].filter(Boolean).join(' · ') || 'unknown',
        new Date(session.created_at * 1000).toLocaleString(),
      ].map((text) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        return cell;
      });
      const action = document.createElement('td');
      const end = document.createElement('button');
      end.type = 'button';
      end.textContent = session.current ? 'Sign out' : 'End';
      end.dataset.sid = session.sid;
      end.addEventListener('click', () => (session.current ? signOut() : endSession(session.sid)));
      action.append(end);
      row.append(...cells, action);
      return row;
    });
    el('sessions').tBodies[0].replaceChildren(...rows);
  }

  async function endSession(sid) {
    const response = await api('DELETE', '/api/v1/sessions/' + encodeURIComponent(sid));
    if (!response.ok && response.status !== 404) {
      say('The session could not be ended (' + response.status + ').', true);
    }
    loadSessions();
  }

  // ---- start ----------------------------------------------------------------------------------

  if (channel) {
    channel.onmessage = (event) => {
      if (event.data && event.data.type === 'signed-out' && state.subject) {
        signedOut('You signed out in another tab.');
      }
    };
  }
  el('sign-in').addEventListener('submit', signIn);
  el('sign-out').addEventListener('click', signOut);
  el('sign-out-everywhere').addEventListener('click', signOutEverywhere);
  resume().catch(() => signedOut('keycard cannot be reached. Reload the page to try again.', true));
})();
