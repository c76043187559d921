// Talking to the server: JSON over fetch with the CSRF header and a timeout. Works in pages and in the
// service worker (which has no document.cookie: pages copy the CSRF token into meta for it).
import { getMeta, setMeta } from './store.js';

export class HttpError extends Error {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    super(body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function cookie(name) {
  const doc = globalThis.document;
  if (!doc) return null;
  const match = doc.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

/** The CSRF token, remembered for the service worker's background sync. */
export async function csrfToken() {
  const fromCookie = cookie('csrftoken') || cookie('__Host-csrftoken'); // the second behind HTTPS
  if (fromCookie) {
    if ((await getMeta('csrf')) !== fromCookie) await setMeta('csrf', fromCookie);
    return fromCookie;
  }
  return getMeta('csrf', '');
}

/**
 * @param {string} path
 * @param {{method?: string, body?: any, timeout?: number}} [options]
 */
export async function api(path, { method = 'GET', body, timeout = 30000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    const headers = { accept: 'application/json' };
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      headers['x-csrftoken'] = await csrfToken();
    }
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: controller.signal,
      redirect: 'error',
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new HttpError(res.status, data);
    return data;
  } finally {
    clearTimeout(timer);
  }
}

export const isOnline = () => globalThis.navigator?.onLine !== false;

/** PUT raw bytes (an attachment); resolves with the JSON answer. */
export async function putBytes(path, data, type, { timeout = 120000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    const res = await fetch(path, {
      method: 'PUT',
      headers: { accept: 'application/json', 'content-type': type, 'x-csrftoken': await csrfToken() },
      body: data,
      credentials: 'same-origin',
      signal: controller.signal,
      redirect: 'error',
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new HttpError(res.status, body);
    return body;
  } finally {
    clearTimeout(timer);
  }
}
