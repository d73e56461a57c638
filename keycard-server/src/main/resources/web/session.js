// The browser session every keycard page shares: the sign-in form, the account header and the
// message line, and the session behind them. The session lives in HttpOnly cookies that no script
// can read; what this script holds is the session's CSRF token, in memory only (never in
// localStorage or sessionStorage), sent back in X-CSRF-Token with every request that changes
// something.
'use strict';

/**
 * Starts the session of a page. {@code page.signedIn(first)} is called whenever the session is
 * (re)established, {@code page.signedOut()} when it ends; returns what the page may call.
 */
window.keycardSession = (page) => {
  const CSRF_HEADER = 'X-CSRF-Token';
  /** How many seconds before the access cookie expires a refresh starts (a third of a short life). */
  const MAX_REFRESH_LEAD = 60;

  const state = {subject: null, csrf: null, lifetime: null, refreshTimer: null};
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel('keycard-session') : null;
  const el = (id) => document.getElementById(id);

  function say(text, isError) {
    const message = el('message');
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
    message.hidden = !text;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  function request(method, path, body) {
    const headers = {};
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

  // ---- refresh --------------------------------------------------------------------------------

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
        signedIn(session);
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
    signedIn(session);
    return true;
  }

  function refreshLead() {
    return Math.min(MAX_REFRESH_LEAD, (state.lifetime || 3 * MAX_REFRESH_LEAD) / 3);
  }

  // ---- the session's life -----------------------------------------------------------------------

  function signedIn(session) {
    const first = state.subject === null;
    state.subject = session.sub;
    if (session.csrf_token) {
      state.csrf = session.csrf_token;
    }
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, Math.max(1, session.expires_in - refreshLead()) * 1000);
    if (first) {
      el('who').textContent = 'Signed in as ' + session.sub;
      el('sign-in').hidden = true;
      el('account').hidden = false;
      page.signedIn();
    }
  }

  function signedOut(message, isError) {
    state.subject = null;
    state.csrf = null;
    clearTimeout(state.refreshTimer);
    page.signedOut();
    el('account').hidden = true;
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
      signedIn(await current.json());
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
        signedIn(session);
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

  function toOtherTabs() {
    if (channel) {
      channel.postMessage({type: 'signed-out'});
    }
  }

  async function signOut() {
    await api('POST', '/auth/session/logout');
    toOtherTabs();
    signedOut('You are signed out.');
  }

  async function signOutEverywhere() {
    const response = await api('DELETE', '/api/v1/sessions');
    if (!response.ok) {
      say('Signing out everywhere failed (' + response.status + ').', true);
      return;
    }
    toOtherTabs();
    signedOut('You are signed out on every device.');
  }

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
  // After the page's own setup has run: its hooks may be called at once.
  setTimeout(() => resume().catch(() => signedOut('keycard cannot be reached. Reload the page to try again.', true)));

  return {
    api,
    say,
    signOut,
    /** The API refused the session (401 after a refresh, or the edge refused its media): end it here. */
    ended: sessionEnded,
    errorOf,
  };
};
