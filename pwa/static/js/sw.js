// The service worker: wiring only. `self.BUILD` (version and precache list) is prepended by the server.
// A new version installs beside the old one and waits until the user accepts the update.
import { mayAutoSync } from '/static/js/accounts.js';
import { useAccount } from '/static/js/store.js';
import { syncOnce } from '/static/js/sync.js';

/** @typedef {Event & {waitUntil(promise: Promise<any>): void}} ExtendableEvent */
/** @typedef {ExtendableEvent & {request: Request, respondWith(response: Promise<Response>): void}} FetchEvent */
/** The service worker's global scope, as far as this file uses it (the page's DOM types do not have it).
 * @type {{BUILD: {version: string, precache: string[], later?: string[]}, location: Location,
 *   clients: {claim(): Promise<void>, matchAll(): Promise<{postMessage(message: any): void}[]>},
 *   skipWaiting(): Promise<void>, addEventListener(type: string, listener: (event: any) => void): void}} */
const worker = /** @type {any} */ (self);
const BUILD = worker.BUILD;
const CACHE = `nithet-${BUILD.version}`;
const READY = '/reflection-table-ready';

async function precache() {
  const cache = await caches.open(CACHE);
  for (const url of BUILD.precache) {
    const res = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
    // A redirect (e.g. to the login page) must never be cached as the app shell.
    if (!res.ok || res.redirected) throw new Error(`precache ${url}: ${res.status}`);
    await cache.put(url, res);
  }
}

/** The reflection table's pages and files (notebook, printing, QR hand-over), when a page asks once the
 * app is installed: outside the first load, never blocking a fetch, and retried on the next page open. */
async function cacheLater() {
  const cache = await caches.open(CACHE);
  if (await cache.match(READY)) return;
  let complete = true;
  for (const url of BUILD.later || []) {
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
      if (res.ok && !res.redirected) await cache.put(url, res);
      else complete = false;
    } catch { complete = false; /* offline now: served from the network when online */ }
  }
  // A marker the pages can ask for: everything the reflection table needs is on this tablet.
  if (complete) await cache.put(READY, new Response(BUILD.version));
}

async function dropOldCaches() {
  for (const key of await caches.keys()) {
    if (key !== CACHE) await caches.delete(key);
  }
  await worker.clients.claim();
}

/** App pages: the cached shell (query strings carry the record id), then the network, then home. */
/** @param {Request} request @param {URL} url */
async function page(request, url) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(url.pathname);
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch {
    return (await cache.match('/')) || Response.error();
  }
}

/** @param {Request} request */
async function asset(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ignoreSearch: true })) || fetch(request);
}

async function backgroundSync() {
  // Only the signed-in account's records, under its own session (nobody signed in: nothing is sent).
  const me = await fetch('/api/me', { credentials: 'same-origin', redirect: 'error' });
  if (!me.ok) return;
  const { id } = await me.json();
  if (!(await mayAutoSync(id))) return; // logged out on this tablet while offline: wait for their login
  useAccount(id);
  const result = await syncOnce({ appVersion: BUILD.version });
  for (const client of await worker.clients.matchAll()) client.postMessage({ type: 'synced', result });
}

worker.addEventListener('install', (/** @type {ExtendableEvent} */ event) => event.waitUntil(precache()));
worker.addEventListener('activate', (/** @type {ExtendableEvent} */ event) => event.waitUntil(dropOldCaches()));
worker.addEventListener('message', (/** @type {ExtendableEvent & {data: any}} */ event) => {
  if (event.data?.type === 'SKIP_WAITING') worker.skipWaiting();
  // A user signed in after the shell was dropped (logout, another user): cache their pages again.
  if (event.data?.type === 'PRECACHE') event.waitUntil(precache());
  if (event.data?.type === 'CACHE_LATER') event.waitUntil(cacheLater());
});
worker.addEventListener('sync', (/** @type {ExtendableEvent & {tag: string}} */ event) => {
  if (event.tag === 'nithet-push') event.waitUntil(backgroundSync());
});
worker.addEventListener('fetch', (/** @type {FetchEvent} */ event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') event.respondWith(page(request, url));
  else if (url.pathname.startsWith('/static/')) event.respondWith(asset(request));
});
