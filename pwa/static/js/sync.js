// The outbox: push finalized records in batches and apply each receipt; pull reference data and team
// records since the cursor. No DOM here: it runs in pages and in the service worker (Background Sync).
import { api, HttpError, isOnline, putBytes } from './connection.js';
import { photosIn } from './photo.js';
import { FROM_SERVER, next, receiptEvent, takes } from './record.js';
import * as store from './store.js';

// 100 records (about half a megabyte) per request: the batch size the benchmarks measure (bench/).
export const BATCH = 100;

/** Wire shape of one revision (docs/sync-protocol.md). */
function toWire(r) {
  return {
    id: r.id,
    rev: r.rev,
    base_rev: r.base_rev ?? null,
    form_id: r.form_id,
    form_version: r.form_version,
    answers: r.answers,
    visit_id: r.visit_id ?? null,
    device_time: r.device_time ?? null,
    resolves: r.resolves ?? [],
  };
}

/** Apply one receipt to the stored record, in its own transaction. The record may have been edited
 * since it was sent: then only its base moves to the revision the server now holds. */
export function applyReceipt(receipt) {
  return store.updateRecord(receipt.id, (r) => {
    if (!r) return null;
    const event = receiptEvent(r, receipt);
    if (receipt.status === 'stored' || receipt.status === 'duplicate') {
      r.synced_rev = receipt.rev;
      r.base_rev = receipt.rev;
    }
    r.state = next(r.state, event);
    if (event === 'stored' || event === 'duplicate') {
      r.resolves = [];
      r.receipt = null;
      r.conflict = null;
    } else if (event === 'conflict') {
      r.conflict = { current: receipt.current, mine: receipt.rev };
    } else if (event === 'attachment_missing') {
      // Not a lost cause: the photo is uploaded again and the record sent again (it stays pending).
      r.receipt = { code: receipt.code, message: receipt.message, detail: receipt.detail };
    } else if (event === 'rejected') {
      r.receipt = { code: receipt.code, message: receipt.message, problems: receipt.problems || [], detail: receipt.detail };
    }
    r.updated_at = r.updated_at || new Date().toISOString();
    return r;
  });
}

/** Upload the photos of these records that the server has not confirmed yet (content-addressed, so an
 * upload again is a harmless no-op). `force` re-sends even those marked uploaded. */
export async function uploadAttachments(records, { force = false } = {}) {
  const seen = new Set();
  for (const r of records) {
    for (const photo of photosIn(r.answers)) {
      if (seen.has(photo.sha256)) continue;
      seen.add(photo.sha256);
      const blob = await store.getBlob(photo.sha256);
      if (!blob || (blob.uploaded && !force)) continue;
      await putBytes(`/api/attachments/${photo.sha256}`, blob.data, blob.type);
      await store.markBlob(photo.sha256, true);
    }
  }
}

/** POST a batch; sent again at once if the connection failed before any answer (a keep-alive connection
 * the server had just closed): a push is idempotent, the same records again are only duplicates. */
async function postBatch(body) {
  try {
    return await api('/api/sync/push', { method: 'POST', body });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // an answer (HttpError) or our own timeout
    return api('/api/sync/push', { method: 'POST', body });
  }
}

async function pushBatch(batch, device, appVersion, left, counts) {
  const result = await postBatch({
    device_id: device, app_version: appVersion, pending: left, records: batch.map(toWire),
  });
  const missing = [];
  for (const receipt of result.receipts) {
    counts[receipt.status] += 1;
    await applyReceipt(receipt);
    if (receipt.code === 'attachment_missing') missing.push(receipt.id);
  }
  return missing;
}

export async function push({ appVersion = '' } = {}) {
  const pending = await store.recordsByState('pending');
  await uploadAttachments(pending);
  const device = await store.deviceId();
  let left = pending.length;
  const counts = { stored: 0, duplicate: 0, conflict: 0, rejected: 0 };
  for (let i = 0; i < pending.length; i += BATCH) {
    const batch = pending.slice(i, i + BATCH);
    left -= batch.length;
    const missing = await pushBatch(batch, device, appVersion, left, counts);
    if (missing.length) {
      // The server lost or never got a photo we thought it had: upload it again, then send once more.
      const again = batch.filter((r) => missing.includes(r.id));
      await uploadAttachments(again, { force: true });
      await pushBatch(again, device, appVersion, left, counts);
    }
  }
  return counts;
}

/** Merge a server record: never overwrite what this tablet has not synced yet. */
function mergeRecord(server) {
  return store.updateRecord(server.id, (local) => {
    if (local && !takes(local.state, 'pulled')) return null; // never overwrite unsynced work
    if (local && local.rev === server.rev) return null;
    return {
      ...(local || {}),
      id: server.id,
      form_id: server.form_id,
      form_version: server.form_version,
      answers: server.answers,
      visit_id: server.visit_id,
      author_id: server.author_id,
      rev: server.rev,
      base_rev: server.rev,
      synced_rev: server.rev,
      state: local ? next(local.state, 'pulled') : FROM_SERVER,
      origin: local?.origin || 'server',
      created_at: local?.created_at || server.updated_at,
      updated_at: server.updated_at,
    };
  });
}

/** Page by page (each at most about 1 MB, each with its own timeout), the cursor and the round kept after
 * every page so that a slow link still moves on: schools, teachers and visit plans first, then the records
 * newest first (docs/sync-protocol.md). `onProgress(share, phase)` after each page, share from 0 to 1 of
 * the phase, 'reference' or 'history'. */
export async function pull({ onProgress = (_share, _phase) => {} } = {}) {
  let cursor = await store.getMeta('cursor', 0);
  let round = (await store.getMeta('round', null)) || { top: 0, ref: 0, before: 0 };
  let scope = await store.getMeta('scope', '');
  for (;;) {
    const at = `round=${round.top}&ref=${round.ref}&before=${round.before}`;
    const page = await api(`/api/sync/pull?cursor=${cursor}&scope=${encodeURIComponent(scope)}&${at}`);
    // The user's networks or role changed, or rows were removed (an undone import, a record moved to
    // another network): the server sends the whole scope again from the start.
    if (page.reset) await store.clearPulled();
    await store.putReference({
      networks: page.networks.map((n) => ({ ...n, key: n.id })),
      schools: page.schools.map((s) => ({ ...s, key: s.code })),
      teachers: page.teachers.map((t) => ({ ...t, key: t.id })),
      visits: page.visits.map((v) => ({ ...v, key: v.id })),
      forms: page.forms.map((f) => ({ ...f, key: `${f.form_id}:${f.version}` })),
      users: (page.users || []).map((u) => ({ ...u, key: u.id })),
    });
    for (const record of page.records) await mergeRecord(record);
    const span = Math.max(1, page.round - page.cursor);
    onProgress(
      page.phase === 'reference' ? (page.ref - page.cursor) / span : page.round ? (page.round - page.before + 1) / span : 1,
      page.phase || 'history',
    );
    cursor = page.cursor;
    round = { top: page.round || 0, ref: page.ref || 0, before: page.before || 0 };
    scope = page.scope || '';
    await store.setMeta('cursor', cursor);
    await store.setMeta('round', round);
    await store.setMeta('scope', scope);
    if (!page.more) return cursor;
  }
}

/** One full sync. Resolves with a summary; throws HttpError (status 401 = log in again) or a network error. */
export async function syncOnce({ appVersion = '', onProgress = undefined } = {}) {
  if (!isOnline()) throw new Error('offline');
  const run = async () => {
    const pushed = await push({ appVersion });
    await pull({ onProgress });
    const at = new Date().toISOString();
    await store.setMeta('last_sync', at);
    return { pushed, at };
  };
  // One sync at a time across every tab and the service worker of this tablet.
  const locks = globalThis.navigator?.locks;
  return locks ? locks.request('nithet-sync', run) : run();
}

/** Work on this tablet not yet on the server, counted by the state index: drafts (not finalized) apart from
 * finalized records waiting to sync (pending, and those a sync refused: rejected, conflict). */
export async function unsyncedCount() {
  const n = await store.countByState();
  return { drafts: n.draft, waiting: n.pending + n.rejected + n.conflict };
}

export { HttpError };
