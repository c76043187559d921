// IndexedDB only: one DB_VERSION and an upgrade ladder. Records (drafts and finals, keyed by the client
// UUID), reference data pulled from the server, attachment blobs, and meta (device id, pull cursor).
// One database per account on this tablet (accounts.js names it): nothing of one user is seen, pushed or
// merged under another's session.
import { databaseFor, signedInUser } from './accounts.js';
import { UNSYNCED } from './record.js';

export const DB_VERSION = 2;

/** Each step upgrades from version i to i + 1; never edit a step once released, add one. */
const UPGRADES = [
  (/** @type {IDBDatabase} */ db) => {
    const records = db.createObjectStore('records', { keyPath: 'id' });
    records.createIndex('state', 'state');
    records.createIndex('updated_at', 'updated_at');
    const reference = db.createObjectStore('reference', { keyPath: 'key' });
    reference.createIndex('kind', 'kind');
    db.createObjectStore('blobs', { keyPath: 'sha256' });
    db.createObjectStore('meta', { keyPath: 'key' });
  },
  // Read only what a screen shows: a visit's records (Today), a school's records of one form (pickers,
  // the previous reflection). Records without the key path's values are simply not in the index.
  (/** @type {IDBDatabase} */ _db, /** @type {IDBTransaction} */ t) => {
    const records = t.objectStore('records');
    records.createIndex('visit_id', 'visit_id');
    records.createIndex('form_school', ['form_id', 'answers.school']);
  },
];

/** @type {Promise<IDBDatabase> | null} */
let opening = null;
/** @type {number | null} The account the service worker syncs for (pages use their signed-in user). */
let account = null;

/** Work on this account's database from now on (the service worker, which has no page). */
export function useAccount(userId) {
  if (account === userId) return;
  opening?.then((db) => db.close(), () => {});
  opening = null;
  account = userId;
}

/** The page's account: the user it was rendered for, only while that user is the one signed in (a shell
 * cached for someone else, or a page left open after logging out, opens nothing). */
function pageAccount() {
  const id = Number(globalThis.document?.body?.dataset.userId) || null;
  if (id === null || signedInUser() !== id) throw new Error('signed out');
  return id;
}

/** @returns {Promise<IDBDatabase>} */
export function open() {
  // Checked on every use: a page left open after its user logged out (or another logged in) reads nothing.
  if (account === null) {
    try { pageAccount(); } catch (e) { return Promise.reject(e); }
  }
  if (!opening) {
    opening = (async () => databaseFor(account ?? pageAccount()))().then((name) => new Promise((resolve, reject) => {
      const req = indexedDB.open(name, DB_VERSION);
      req.onupgradeneeded = (event) => {
        for (let v = event.oldVersion; v < DB_VERSION; v++) UPGRADES[v](req.result, req.transaction);
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => { opening = null; reject(req.error); };
      req.onblocked = () => console.warn('nithet: close other tabs to upgrade the local database');
    }));
    opening.catch(() => { opening = null; });
  }
  return opening;
}

/** Run `fn` in one transaction; resolves with its result once the transaction has committed. */
async function tx(stores, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode, { durability: 'strict' });
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('transaction aborted'));
    Promise.resolve(fn(t)).then((r) => { result = r; }, (e) => { t.abort(); reject(e); });
  });
}

/** @param {IDBRequest} req */
const done = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

export const getRecord = (id) => tx(['records'], 'readonly', (t) => done(t.objectStore('records').get(id)));
export const putRecord = (record) => tx(['records'], 'readwrite', (t) => done(t.objectStore('records').put(record)));
export const allRecords = () => tx(['records'], 'readonly', (t) => done(t.objectStore('records').getAll()));
export const recordsByState = (state) =>
  tx(['records'], 'readonly', (t) => done(t.objectStore('records').index('state').getAll(state)));

/** States of work not yet on the server (record.js). */
export { UNSYNCED };

/** Records in any of these states, through the state index (never a scan of every record). */
export const recordsInStates = (states) =>
  tx(['records'], 'readonly', async (t) => {
    const index = t.objectStore('records').index('state');
    return (await Promise.all(states.map((s) => done(index.getAll(s))))).flat();
  });

/** How many records are in each state, counted by the state index: `{draft: 2, pending: 1, …}`. */
export const countByState = (states = UNSYNCED) =>
  tx(['records'], 'readonly', async (t) => {
    const index = t.objectStore('records').index('state');
    const counts = await Promise.all(states.map((s) => done(index.count(s))));
    return Object.fromEntries(states.map((s, i) => [s, counts[i]]));
  });

/** The records of these visits (Today), through the visit_id index. */
export const recordsOfVisits = (visitIds) =>
  tx(['records'], 'readonly', async (t) => {
    const index = t.objectStore('records').index('visit_id');
    return (await Promise.all(visitIds.map((id) => done(index.getAll(id))))).flat();
  });

/** A school's records of one form (the observation picker, the previous reflection). */
export const recordsOfSchool = (formId, school) =>
  tx(['records'], 'readonly', (t) =>
    done(t.objectStore('records').index('form_school').getAll(IDBKeyRange.only([formId, school]))));

/** Every record of one form, through the form_school index (records without a school are not in it). */
export const recordsOfForm = (formId) =>
  tx(['records'], 'readonly', (t) =>
    done(t.objectStore('records').index('form_school').getAll(IDBKeyRange.bound([formId], [formId, []]))));

/**
 * One page of records, newest change first, through the updated_at index: up to `limit` records that
 * `keep` accepts, updated before `before` (an ISO timestamp, or null for the newest). Resolves with the
 * records and the `before` of the next page (null at the end).
 * @param {{limit?: number, before?: ?string, keep?: (r: any) => boolean}} options
 */
export const recordsPage = ({ limit = 50, before = null, keep = () => true } = {}) =>
  tx(['records'], 'readonly', (t) => new Promise((resolve, reject) => {
    const range = before ? IDBKeyRange.upperBound(before, true) : null;
    const req = t.objectStore('records').index('updated_at').openCursor(range, 'prev');
    /** @type {any[]} */
    const rows = [];
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) { resolve({ records: rows, next: null }); return; }
      if (keep(cursor.value)) rows.push(cursor.value);
      if (rows.length >= limit) { resolve({ records: rows, next: cursor.value.updated_at }); return; }
      cursor.continue();
    };
  }));

/** Update a record inside one transaction: `change` gets the stored record (or undefined) and returns
 * the record to store, or null to leave it. */
export function updateRecord(id, change) {
  return tx(['records'], 'readwrite', async (t) => {
    const s = t.objectStore('records');
    const next = change(await done(s.get(id)));
    if (next) await done(s.put(next));
    return next;
  });
}

/** Replace reference rows of several kinds at once: `{schools: [{key, ...}], ...}`. */
export function putReference(rowsByKind) {
  return tx(['reference'], 'readwrite', async (t) => {
    const s = t.objectStore('reference');
    for (const [kind, rows] of Object.entries(rowsByKind)) {
      for (const row of rows) s.put({ ...row, kind, key: `${kind}:${row.key}` });
    }
  });
}

export const getReference = (kind) =>
  tx(['reference'], 'readonly', (t) => done(t.objectStore('reference').index('kind').getAll(kind)));

export async function getMeta(key, fallback = null) {
  const row = await tx(['meta'], 'readonly', (t) => done(t.objectStore('meta').get(key)));
  return row ? row.value : fallback;
}

export const setMeta = (key, value) => tx(['meta'], 'readwrite', (t) => done(t.objectStore('meta').put({ key, value })));

/** This tablet's id, made once. */
export async function deviceId() {
  let id = await getMeta('device_id');
  if (!id) {
    id = crypto.randomUUID();
    await setMeta('device_id', id);
  }
  return id;
}

// Attachment blobs (resized photos), keyed by the SHA-256 hex of their bytes. `data` is an ArrayBuffer
// (stored as bytes, not a Blob, for browsers that cannot keep Blobs in IndexedDB); `uploaded` is set
// once the server has confirmed it holds them.
export const putBlob = (row) => tx(['blobs'], 'readwrite', (t) => done(t.objectStore('blobs').put(row)));
export const getBlob = (sha256) => tx(['blobs'], 'readonly', (t) => done(t.objectStore('blobs').get(sha256)));
export function markBlob(sha256, uploaded) {
  return tx(['blobs'], 'readwrite', async (t) => {
    const s = t.objectStore('blobs');
    const row = await done(s.get(sha256));
    if (row) await done(s.put({ ...row, uploaded }));
  });
}

/** Forget what was pulled (reference rows and synced records) before pulling the user's scope again;
 * every record not sent yet (draft, pending, conflict, rejected) stays. */
export function clearPulled() {
  return tx(['reference', 'records'], 'readwrite', async (t) => {
    t.objectStore('reference').clear();
    const records = t.objectStore('records');
    for (const id of await done(records.index('state').getAllKeys('synced'))) records.delete(id);
  });
}

/**
 * Remove synced records last changed before `before` (ISO) unless `keep` has their id, in one transaction,
 * through the updated_at index. Drafts and unsynced work are never touched (their state is not 'synced').
 * Resolves with how many left the tablet.
 * @param {string} before @param {Set<string>} keep
 */
export const pruneSynced = (before, keep) =>
  tx(['records'], 'readwrite', (t) => new Promise((resolve, reject) => {
    let removed = 0;
    const req = t.objectStore('records').index('updated_at').openCursor(IDBKeyRange.upperBound(before, true));
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) { resolve(removed); return; }
      if (cursor.value.state === 'synced' && !keep.has(cursor.value.id)) {
        cursor.delete();
        removed += 1;
      }
      cursor.continue();
    };
  }));
