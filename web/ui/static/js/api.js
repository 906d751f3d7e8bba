// API client: JSON in and out, the session's CSRF token on unsafe requests, errors in the
// API's one shape ({"error":{"code","message"}}) turned into ApiError.

let csrf = '';
let me = null;

// ApiError carries the HTTP status and the API's error code and message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code;
  }
}

// api sends one request; body, when given, is sent as JSON.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || '', e.message || res.statusText);
  }
  return data;
}

// get fetches path with query parameters, skipping empty ones.
export function get(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const qs = q.toString();
  return api('GET', qs ? path + '?' + qs : path);
}

// loadMe asks who is signed in and keeps the CSRF token; null when signed out.
export async function loadMe() {
  try {
    const r = await api('GET', '/api/v1/me');
    csrf = r.csrf_token || '';
    me = r.user || null;
  } catch (e) {
    if (e.status !== 401) throw e;
    csrf = '';
    me = null;
  }
  return me;
}

// currentUser is the user loadMe found.
export function currentUser() { return me; }

const ranks = { viewer: 0, analyst: 1, approver: 2, admin: 3 };

// can says whether the signed-in user's role is at least need.
export function can(need) {
  return !!me && (ranks[me.role] ?? -1) >= ranks[need];
}

// signIn opens a session with a local username and password.
export async function signIn(username, password) {
  await api('POST', '/api/v1/session', { username, password });
  return loadMe();
}

// signOut closes the session.
export async function signOut() {
  try { await api('DELETE', '/api/v1/session'); } finally { csrf = ''; me = null; }
}
