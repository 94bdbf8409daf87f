// http.js - the one way the app talks to the server: JSON in and out under
// /api/v1, the session cookie (HttpOnly, so only `credentials`), the CSRF
// token on every unsafe request, the UI language as Accept-Language so
// server messages come back in it, and one place that notices an expired
// session (any 401).
let csrfToken = '';
let language = 'zh-CN';
let onUnauthorized = null;
// The company a teacher is looking into (read-only, X-Kehu-Company), kept
// for the browser tab so a reload stays there; null: the user's own.
const VIEW_KEY = 'kehu.viewCompany';
let viewCompany = sessionStorage.getItem(VIEW_KEY);

export function setCsrfToken(token) { csrfToken = token || ''; }
export function setApiLanguage(lang) { language = lang; }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }
export function setViewCompany(id) {
  viewCompany = id ? String(id) : null;
  if (viewCompany) sessionStorage.setItem(VIEW_KEY, viewCompany); else sessionStorage.removeItem(VIEW_KEY);
}
export const viewedCompany = () => viewCompany;

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.fields = e.fields || {};
    this.current = e.current || null;
  }
}

export function queryString(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

const SAFE = new Set(['GET', 'HEAD']);

// opts: body (JSON), query (object), quiet401 (a 401 is an answer, not an
// expired session: the sign-in page itself and the first session check).
// raw: a body sent as it is (a File), its Content-Type in headers.
// response: answer {data, headers} (the answer's Headers), for a caller
// that reads a header (X-Kehu-Allow of a record).
export async function api(method, path, { body, raw, query, quiet401 = false, headers = {}, response = false } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': language === 'en' ? 'en' : 'zh-CN', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (!SAFE.has(method)) h['X-CSRF-Token'] = csrfToken;
  if (viewCompany) h['X-Kehu-Company'] = viewCompany;
  let res;
  try {
    res = await fetch('/api/v1' + path + queryString(query), {
      method, headers: h, credentials: 'same-origin',
      body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network', message: e.message } });
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !quiet401 && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  return response ? { data, headers: res.headers } : data;
}

export const get = (path, query, opts) => api('GET', path, { query, ...opts });
export const post = (path, body, opts) => api('POST', path, { body, ...opts });
export const patch = (path, body, opts) => api('PATCH', path, { body, ...opts });
export const put = (path, body, opts) => api('PUT', path, { body, ...opts });
export const del = (path, opts) => api('DELETE', path, opts);
// A file as the request's body (附件), typed as the browser knows it.
export const uploadFile = (path, file, query) =>
  api('POST', path, { raw: file, query, headers: { 'Content-Type': file.type || 'application/octet-stream' } });

// A URL the browser downloads itself (exports): the cookie goes along.
export function downloadUrl(path, query) {
  return '/api/v1' + path + queryString(viewCompany ? { ...query, as_company: viewCompany } : query);
}
