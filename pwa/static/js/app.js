// Every signed-in page: the service worker and its update offer, the sync triggers, the unsynced count,
// storage persistence, and handing the tablet over (logout, another user). Pages add their own module
// (home.js, form.js) on top.
import { forgetSignedIn, noteAccount, signedInUser } from './accounts.js';
import { backoffDelay } from './backoff.js';
import { csrfToken } from './connection.js';
import { setupBeDates } from './datepicker.js';
import { problemTitle, t } from './i18n.js';
import { HttpError, syncOnce, unsyncedCount } from './sync.js';

const BUILD = document.body.dataset.build || '';
const ME = Number(document.body.dataset.userId);
const INTERVAL = 5 * 60 * 1000;
/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
let attempt = 0;
let timer = 0;
/** @type {Promise<void> | null} */
let running = null;
/** Set once this page logs out: nothing marks the account signed in again. */
let leaving = false;

/** Show a message in the status banner; `tone` is 'info' or 'error'. */
export function showStatus(text, tone = 'info', link = null) {
  const banner = $('status-banner');
  if (!banner) return;
  banner.replaceChildren(document.createTextNode(text));
  if (link) {
    const a = document.createElement('a');
    a.href = link.href;
    a.textContent = link.text;
    a.className = 'btn small';
    banner.append(' ', a);
  }
  banner.dataset.tone = tone;
  banner.hidden = !text;
}

/** Recount the pill (by index); `announce` tells the page's views that records changed. */
export async function refreshStatus({ announce = true } = {}) {
  const { drafts, waiting } = await unsyncedCount();
  const { username, userName } = document.body.dataset;
  if (!leaving) {
    await noteAccount(ME, { username, display_name: userName, unsent: drafts + waiting, signed_out: false });
  }
  const count = $('unsynced-count');
  if (count) count.textContent = String(waiting);
  const draftCount = $('draft-count');
  if (draftCount) draftCount.textContent = String(drafts);
  const pill = $('unsynced');
  if (pill) pill.dataset.state = !navigator.onLine ? 'offline' : waiting > 0 ? 'pending' : 'ok';
  if (announce) window.dispatchEvent(new CustomEvent('nithet:records-changed'));
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => requestSync('timer'), ms);
}

async function run(reason) {
  if (leaving) return;
  const button = $('sync-now');
  if (!navigator.onLine) {
    showStatus(t('Offline: records are kept on this tablet'));
    await refreshStatus();
    return;
  }
  if (button) { button.disabled = true; button.textContent = t('Syncing…'); }
  try {
    const onProgress = (share, phase) => {
      const what = phase === 'reference' ? t('Receiving schools and visit plans…') : t('Receiving data…');
      if (button) button.textContent = `${what} ${Math.floor(share * 100)}%`;
    };
    await syncOnce({ appVersion: BUILD, onProgress });
    attempt = 0;
    showStatus(reason === 'button' ? t('All records synced') : '');
    schedule(INTERVAL);
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) {
      const expired = error.body?.session === 'expired';
      showStatus(expired ? t('Session expired: log in to sync. Your records are safe on this tablet.') : t('Log in again to sync. Your records are safe on this tablet.'), 'error', { href: `/login?next=${encodeURIComponent(location.pathname)}`, text: problemTitle('not_authenticated') });
    } else {
      attempt += 1;
      showStatus(t('Sync failed; will retry'), 'error');
      schedule(backoffDelay(attempt));
    }
  } finally {
    if (button) { button.disabled = false; button.textContent = t('Sync now'); }
    await refreshStatus();
  }
}

/** Sync now unless a sync is already running (then wait for that one). */
export function requestSync(reason = 'request') {
  if (!running) running = run(reason).finally(() => { running = null; });
  return running;
}

/** Ask the browser to sync in the background once online, where it can (Background Sync). */
export async function requestBackgroundSync() {
  const reg = await navigator.serviceWorker?.getRegistration();
  try {
    await /** @type {any} */ (reg)?.sync?.register('nithet-push'); // Background Sync: not in every browser's types
  } catch {
    /* not available: the page's own triggers still run */
  }
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  const reg = await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' });
  const offer = (worker) => {
    const banner = $('update-banner');
    if (!banner) return;
    banner.hidden = false;
    // Never swap the code under an open form: there the update waits until the observer leaves it.
    const onForm = Boolean(document.getElementById('record-form'));
    $('update-apply').hidden = onForm;
    $('update-note').textContent = onForm ? t('Finish or leave the open form first; the update will wait.') : '';
    $('update-apply').onclick = () => worker.postMessage({ type: 'SKIP_WAITING' });
    $('update-later').onclick = () => { banner.hidden = true; };
  };
  if (reg.waiting && hadController) offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The user accepted the update (first installs claim silently, without a reload).
    if (!hadController || reloading) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'synced') refreshStatus();
  });
  // Installed: now the service worker fetches what the reflection table needs offline (sw.js cacheLater).
  (await navigator.serviceWorker.ready).active?.postMessage({ type: 'CACHE_LATER' });
}

async function keepStorage() {
  if (!navigator.storage) return;
  const persisted = (await navigator.storage.persisted?.()) || (await navigator.storage.persist?.());
  document.body.dataset.storagePersisted = String(Boolean(persisted));
  const { usage = 0, quota = 0 } = (await navigator.storage.estimate?.()) || {};
  if (quota && usage / quota > 0.8) showStatus(t('Storage is nearly full: sync or export unsent records now'), 'error');
  window.dispatchEvent(new CustomEvent('nithet:storage', { detail: { persisted: Boolean(persisted), usage, quota } }));
}

/** Drop the cached signed-in pages (the shell): the next user's pages are fetched and cached anew. */
async function dropShell() {
  for (const key of await caches.keys()) if (key.startsWith('nithet-')) await caches.delete(key);
}

/** Nobody is signed in on this page any more: show only that, and what happens to the unsent records. */
function showSignedOut() {
  document.querySelector('.menu')?.replaceChildren();
  $('sync-bar')?.remove();
  const main = $('main');
  main.replaceChildren(document.createElement('h1'), document.createElement('p'));
  main.firstElementChild.textContent = t('You are logged out');
  main.lastElementChild.textContent = t('Records not sent yet stay on this tablet and are sent when you log in again. Connect to the internet to log in.');
  main.lastElementChild.className = 'muted';
}

/** Log out: the unsent count is noted, the cached pages dropped; offline, the server's session ends at the
 * next page opened online (the cookie naming the user is gone, see handOver). */
async function logOut(form) {
  leaving = true;
  const { drafts, waiting } = await unsyncedCount();
  await noteAccount(ME, { unsent: drafts + waiting, signed_out: true });
  await dropShell();
  forgetSignedIn();
  if (navigator.onLine) form.submit();
  else showSignedOut();
}

/** This page was made for someone no longer signed in here (a cached shell, Back after logging out, a
 * page left open while another user logged in): it shows and sends nothing of theirs. */
async function handOver(signedIn) {
  await dropShell();
  const logout = /** @type {HTMLFormElement | null} */ (document.querySelector('form[action="/logout"]'));
  if (!navigator.onLine) showSignedOut();
  else if (signedIn === null && logout) logout.submit(); // a logout made offline: end the session now
  else location.reload();
}

function start() {
  $('sync-now')?.addEventListener('click', () => requestSync('button'));
  $('menu-toggle')?.addEventListener('click', (event) => {
    const button = /** @type {HTMLElement} */ (event.currentTarget);
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    $('main-menu').toggleAttribute('data-open', open);
  });
  window.addEventListener('online', () => requestSync('online'));
  window.addEventListener('offline', () => { showStatus(t('Offline: records are kept on this tablet')); refreshStatus(); });
  csrfToken().catch(() => {});
  // Date pickers of pages without a record form (the plan form; htmx draws it again on each change).
  if (!document.getElementById('record-form')) {
    setupBeDates(document);
    document.body.addEventListener('htmx:afterSettle', () => setupBeDates(document));
  }
  registerServiceWorker()
    .then(async () => {
      if (!(await caches.match('/'))) navigator.serviceWorker?.controller?.postMessage({ type: 'PRECACHE' });
    })
    .catch((e) => console.warn('service worker', e));
  keepStorage().catch(() => {});
  // The page draws itself first; the sync at open starts once it has loaded.
  refreshStatus({ announce: false }).then(() => setTimeout(() => requestSync('open'), 0));
}

for (const form of document.querySelectorAll('form[action="/logout"]')) {
  form.addEventListener('submit', (event) => { event.preventDefault(); logOut(form); });
}
window.addEventListener('pageshow', (event) => {
  if (event.persisted && signedInUser() !== ME) handOver(signedInUser());
});
if (signedInUser() === ME) start();
else handOver(signedInUser());
