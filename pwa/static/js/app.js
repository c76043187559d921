// Every signed-in page: the service worker and its update offer, the sync triggers, the unsynced count,
// and storage persistence. Pages add their own module (home.js, form.js) on top.
import { backoffDelay } from './backoff.js';
import { csrfToken } from './connection.js';
import { t } from './i18n.js';
import { HttpError, syncOnce, unsyncedCount } from './sync.js';

const BUILD = document.body.dataset.build || '';
const INTERVAL = 5 * 60 * 1000;
const $ = (id) => document.getElementById(id);
let attempt = 0;
let timer = 0;
/** @type {Promise<void> | null} */
let running = null;

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

export async function refreshStatus() {
  const n = await unsyncedCount();
  const count = $('unsynced-count');
  if (count) count.textContent = String(n);
  const pill = $('unsynced');
  if (pill) pill.dataset.state = !navigator.onLine ? 'offline' : n > 0 ? 'pending' : 'ok';
  window.dispatchEvent(new CustomEvent('nithet:records-changed'));
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => requestSync('timer'), ms);
}

async function run(reason) {
  const button = $('sync-now');
  if (!navigator.onLine) {
    showStatus(t('sync.offline'));
    await refreshStatus();
    return;
  }
  if (button) { button.disabled = true; button.textContent = t('sync.running'); }
  try {
    await syncOnce({ appVersion: BUILD });
    attempt = 0;
    showStatus(reason === 'button' ? t('sync.done') : '');
    schedule(INTERVAL);
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) {
      showStatus(t('sync.login'), 'error', { href: `/login?next=${encodeURIComponent(location.pathname)}`, text: t('problem.not_authenticated') });
    } else {
      attempt += 1;
      showStatus(t('sync.failed'), 'error');
      schedule(backoffDelay(attempt));
    }
  } finally {
    if (button) { button.disabled = false; button.textContent = t('sync.now'); }
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
    await reg?.sync?.register('nithet-push');
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
    $('update-note').textContent = onForm ? t('update.finish_form') : '';
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
  if (quota && usage / quota > 0.8) showStatus(t('storage.low'), 'error');
  window.dispatchEvent(new CustomEvent('nithet:storage', { detail: { persisted: Boolean(persisted), usage, quota } }));
}

$('sync-now')?.addEventListener('click', () => requestSync('button'));
window.addEventListener('online', () => requestSync('online'));
window.addEventListener('offline', () => { showStatus(t('sync.offline')); refreshStatus(); });
csrfToken().catch(() => {});
registerServiceWorker().catch((e) => console.warn('service worker', e));
keepStorage().catch(() => {});
refreshStatus().then(() => requestSync('open'));
