// app.js - the web client's entry point: the session (sign in with a
// token kept in sessionStorage, one websocket to the hub, reconnecting
// with backoff), the live alert subscription, notices, and the router of
// the views (#/alerts, #/reports, #/item/ID, #/post, #/events,
// #/moderation). The token never goes into a URL, the DOM or
// localStorage; closing the tab forgets it.

import { el, fill } from './dom.js';
import { Hub, HubError } from './hub.js';
import { applyStatic, getLang, label, onLangChange, setLang, t } from './i18n.js';
import { ITEM_ID_RE } from './render.js';
import * as alertsView from './view_alerts.js';
import * as eventsView from './view_events.js';
import * as itemView from './view_item.js';
import * as moderationView from './view_moderation.js';
import * as postView from './view_post.js';
import * as reportsView from './view_reports.js';
import * as signinView from './view_signin.js';

const TOKEN_KEY = 'kairan.token';
const MAX_ALERTS = 300;
const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

const state = {
  token: null,
  hub: null,
  user: null,
  org: null,
  circles: [],
  conn: 'offline', // offline | connecting | live | anonymous
  retries: 0,
  retryTimer: null,
  alerts: [], // newest first
  alertSeverity: '',
  alertCursor: 0, // the newest cursor seen on the alert subscription
  liveFrom: Infinity, // alerts with a cursor above this arrived live
  afterSignIn: null, // the view asked for before signing in
};

// Views listen here: 'alerts' (the alert list changed), 'notice', 'session'.
const bus = new EventTarget();

function readToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch (e) {
    return null;
  }
}

function keepToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // session storage unavailable: the token lives in memory for this page only
  }
}

function $(id) {
  return document.getElementById(id);
}

function setConn(conn) {
  state.conn = conn;
  const s = $('conn');
  s.dataset.state = conn;
  s.textContent = conn === 'offline' && !state.token ? '' : t(`status.${conn}`);
}

// A short message in the corner (text only); gone after a while.
function toast(text, kind = 'info') {
  const box = $('toasts');
  const node = el('div', { class: ['toast', `toast-${kind}`], role: 'status', text });
  box.append(node);
  setTimeout(() => node.remove(), 9000);
}

function errorText(err) {
  if (err instanceof HubError) {
    if (err.code === 'offline') return t('error.offline');
    if (err.code === 'timeout') return t('error.timeout');
    return t('error.generic', { code: err.code, message: err.message });
  }
  return String(err && err.message ? err.message : err);
}

function request(msg) {
  if (!state.hub) return Promise.reject(new HubError('offline', 'not connected'));
  return state.hub.request(msg);
}

// ---- alerts ----------------------------------------------------------

function addAlert(item) {
  if (!item || item.kind !== 'alert' || !ITEM_ID_RE.test(item.id)) return;
  if (Number.isInteger(item.cursor) && item.cursor > state.alertCursor) state.alertCursor = item.cursor;
  const live = Number.isInteger(item.cursor) && item.cursor > state.liveFrom;
  state.alerts = state.alerts.filter((a) => a.item.id !== item.id);
  state.alerts.push({ item, live });
  state.alerts.sort((a, b) => (b.item.cursor || 0) - (a.item.cursor || 0));
  state.alerts.length = Math.min(state.alerts.length, MAX_ALERTS);
  bus.dispatchEvent(new CustomEvent('alerts'));
}

// (Re)subscribe to the alerts of every circle at the chosen severity:
// from the start when the filter changed, else after the last one seen.
async function subscribeAlerts(severity) {
  const fresh = severity !== undefined && severity !== state.alertSeverity;
  if (severity !== undefined) state.alertSeverity = severity;
  if (fresh || severity === undefined && state.alerts.length === 0) {
    state.alerts = [];
    state.alertCursor = 0;
    bus.dispatchEvent(new CustomEvent('alerts'));
  }
  state.liveFrom = Infinity; // until the hub says where live delivery starts
  const filter = { kinds: ['alert'] };
  if (state.alertSeverity) filter.min_severity = state.alertSeverity;
  const reply = await request({ type: 'subscribe', since: state.alertCursor, filter });
  state.liveFrom = Math.max(reply.cursor, state.alertCursor);
}

// ---- the session -----------------------------------------------------

function wire(hub) {
  hub.addEventListener('deliver', (ev) => addAlert(ev.detail));
  hub.addEventListener('retraction', (ev) => {
    const id = ev.detail.item_id;
    const before = state.alerts.length;
    state.alerts = state.alerts.filter((a) => a.item.id !== id);
    if (state.alerts.length !== before) bus.dispatchEvent(new CustomEvent('alerts'));
    toast(t('retracted'));
  });
  hub.addEventListener('notice', (ev) => {
    const n = ev.detail;
    const vars = {
      id: n.item_id || '',
      status: n.status ? label('status', n.status) : (n.request && n.request.status) || '',
      title: n.item && n.item.title ? n.item.title : n.item_id || '',
    };
    toast(t(`notice.${n.event}`, vars));
    bus.dispatchEvent(new CustomEvent('notice', { detail: n }));
  });
  hub.addEventListener('huberror', (ev) => {
    const e = ev.detail;
    if (e.code === 'auth_failed' && state.token) {
      signOut(t('signin.expired', { message: e.message }));
      return;
    }
    toast(t('error.generic', { code: e.code, message: e.message }), 'error');
  });
  hub.addEventListener('close', () => {
    if (state.hub !== hub) return; // replaced or closed on purpose
    state.hub = null;
    setConn('offline');
    if (state.token) scheduleReconnect();
  });
}

function scheduleReconnect() {
  clearTimeout(state.retryTimer);
  const wait = RETRY_MS[Math.min(state.retries, RETRY_MS.length - 1)];
  state.retries += 1;
  state.retryTimer = setTimeout(() => {
    connect().then(() => route(), () => scheduleReconnect());
  }, wait);
}

// Open a connection and, with a token, authenticate, learn the circles and
// follow the alerts. Rejects with the hub's error (auth_failed...).
async function connect() {
  if (state.hub) {
    const old = state.hub;
    state.hub = null;
    old.close();
  }
  const hub = new Hub();
  state.hub = hub;
  wire(hub);
  setConn('connecting');
  await hub.connect();
  if (!state.token) {
    setConn('anonymous');
    return;
  }
  try {
    const ok = await hub.request({ type: 'auth', token: state.token });
    state.user = ok.user;
    state.org = ok.org;
    const c = await hub.request({ type: 'circles' });
    state.circles = Array.isArray(c.circles) ? c.circles : [];
    await subscribeAlerts();
  } catch (e) {
    if (e instanceof HubError && (e.code === 'auth_failed' || e.code === 'auth_required')) {
      state.hub = null;
      hub.close();
    }
    throw e;
  }
  state.retries = 0;
  setConn('live');
  updateChrome();
  bus.dispatchEvent(new CustomEvent('session'));
}

async function signIn(token) {
  state.token = token;
  try {
    await connect();
  } catch (e) {
    state.token = null;
    state.user = state.org = null;
    if (state.hub) {
      const h = state.hub;
      state.hub = null;
      h.close();
    }
    setConn('offline');
    throw e;
  }
  keepToken(token);
  const next = state.afterSignIn || '#/alerts';
  state.afterSignIn = null;
  navigate(next);
}

function signOut(message) {
  clearTimeout(state.retryTimer);
  keepToken(null);
  Object.assign(state, {
    token: null, user: null, org: null, circles: [], alerts: [], alertCursor: 0, alertSeverity: '',
  });
  if (state.hub) {
    const h = state.hub;
    state.hub = null;
    h.close();
  }
  setConn('offline');
  updateChrome();
  signinView.setMessage(message || null);
  if (location.hash === '#/signin') route();
  else navigate('#/signin');
}

// An anonymous connection for the public views (events) when signed out.
async function ensureConnected() {
  if (state.hub && state.hub.open) return;
  if (state.token) return; // the signed-in connection reconnects by itself
  await connect();
}

// ---- chrome and router -------------------------------------------------

function isModerator() {
  return state.circles.some((c) => c.role === 'moderator');
}

function updateChrome() {
  const signedIn = Boolean(state.token && state.user);
  $('nav').hidden = !signedIn;
  $('nav-moderation').hidden = !(signedIn && isModerator());
  $('signout').hidden = !signedIn;
  $('who').textContent = signedIn ? t('who', { user: state.user, org: state.org }) : '';
  for (const a of $('nav').querySelectorAll('a')) {
    if (location.hash.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  $('lang').textContent = t('lang.other');
  $('lang').setAttribute('aria-label', t('lang.switch'));
  setConn(state.conn);
}

const ROUTES = [
  { re: /^#\/signin$/, view: signinView, auth: false },
  { re: /^#\/alerts$/, view: alertsView, auth: true },
  { re: /^#\/reports(?:\/([^/]+))?$/, view: reportsView, auth: true },
  { re: /^#\/item\/(it_[0-9a-f]{16})$/, view: itemView, auth: true },
  { re: /^#\/post$/, view: postView, auth: true },
  { re: /^#\/events(?:\/([A-Za-z0-9-]+))?$/, view: eventsView, auth: false, connect: true },
  { re: /^#\/moderation$/, view: moderationView, auth: true },
];

let cleanup = null;
let renderSeq = 0;

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const seq = ++renderSeq;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const hash = location.hash || '';
  const match = ROUTES.map((r) => ({ r, m: r.re.exec(hash) })).find((x) => x.m);
  const signedIn = Boolean(state.token);
  if (!match) {
    navigate(signedIn ? '#/alerts' : '#/signin');
    return;
  }
  if (match.r.auth && !signedIn) {
    state.afterSignIn = hash;
    navigate('#/signin');
    return;
  }
  if (match.r.view === signinView && signedIn) {
    navigate('#/alerts');
    return;
  }
  updateChrome();
  const main = $('view');
  fill(main);
  if (match.r.connect) {
    try {
      await ensureConnected();
    } catch (e) {
      // the view shows the error from its own request
    }
    if (seq !== renderSeq) return;
  }
  const params = match.m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
  cleanup = match.r.view.render(ctx, main, params) || null;
}

const ctx = {
  state,
  bus,
  request,
  toast,
  errorText,
  navigate,
  signIn,
  subscribeAlerts,
};

function start() {
  document.documentElement.lang = getLang();
  applyStatic();
  $('lang').addEventListener('click', () => setLang(getLang() === 'ja' ? 'en' : 'ja'));
  $('signout').addEventListener('click', () => signOut());
  onLangChange(() => {
    applyStatic();
    route();
  });
  window.addEventListener('hashchange', () => route());
  state.token = readToken();
  updateChrome();
  if (state.token) {
    connect().then(() => route(), (e) => {
      if (e instanceof HubError && (e.code === 'auth_failed' || e.code === 'auth_required')) {
        signOut(t('signin.expired', { message: e.message }));
      } else {
        scheduleReconnect();
        route();
      }
    });
  } else {
    route();
  }
}

start();
