// hub.js - one websocket connection to the hub that served this page,
// speaking schema/PROTOCOL.md (subprotocol kairan.v1, one JSON object per
// text frame).
//
// request() sends a message with a fresh id and resolves with the reply
// whose ref matches it (rejecting with a HubError for an `error` reply);
// pushes (deliver, retraction, notice) and errors without a ref are
// dispatched as events. The connection goes to the same origin only
// (wss:// for an https page), which is all the page's CSP allows anyway.

export const SUBPROTOCOL = 'kairan.v1';
const REPLY_TIMEOUT_MS = 15000;

export class HubError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'HubError';
    this.code = code;
  }
}

// The websocket address of the hub that served this page.
export function hubUrl(loc = window.location) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/`;
}

export class Hub extends EventTarget {
  constructor(url = hubUrl()) {
    super();
    this.url = url;
    this.ws = null;
    this.seq = 0;
    this.pending = new Map();
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  // Resolves once the connection is open; rejects when it cannot be made.
  connect() {
    return new Promise((resolve, reject) => {
      let opened = false;
      const ws = new WebSocket(this.url, SUBPROTOCOL);
      this.ws = ws;
      ws.addEventListener('open', () => {
        opened = true;
        resolve();
      });
      ws.addEventListener('message', (ev) => this.onMessage(ev.data));
      ws.addEventListener('close', (ev) => {
        if (!opened) reject(new HubError('offline', 'cannot reach the hub'));
        this.failPending(new HubError('offline', 'the connection to the hub closed'));
        if (this.ws === ws) this.ws = null;
        this.dispatchEvent(new CustomEvent('close', { detail: { code: ev.code } }));
      });
    });
  }

  close() {
    const ws = this.ws;
    this.ws = null;
    this.failPending(new HubError('offline', 'closed'));
    if (ws) ws.close(1000);
  }

  failPending(err) {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(err);
    }
    this.pending.clear();
  }

  // Send msg (an object with `type`) and resolve with its reply.
  request(msg, timeoutMs = REPLY_TIMEOUT_MS) {
    if (!this.open) return Promise.reject(new HubError('offline', 'not connected'));
    this.seq += 1;
    const id = `w${this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HubError('timeout', 'no reply in time'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...msg, id }));
    });
  }

  onMessage(data) {
    let msg;
    if (typeof data !== 'string') return;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (typeof msg.ref === 'string' && this.pending.has(msg.ref)) {
      const { resolve, reject, timer } = this.pending.get(msg.ref);
      this.pending.delete(msg.ref);
      clearTimeout(timer);
      if (msg.type === 'error') reject(new HubError(String(msg.code), String(msg.message)));
      else resolve(msg);
      return;
    }
    if (msg.type === 'deliver') {
      const items = Array.isArray(msg.items) ? msg.items : [msg.item];
      for (const item of items) {
        if (item && typeof item === 'object') {
          this.dispatchEvent(new CustomEvent('deliver', { detail: item }));
        }
      }
    } else if (msg.type === 'retraction' || msg.type === 'notice') {
      this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
    } else if (msg.type === 'error') {
      this.dispatchEvent(new CustomEvent('huberror', { detail: msg }));
    }
  }
}
