// Which accounts keep data on this tablet (ADR 0005). Each account has its own IndexedDB database
// (records, drafts, photos, reference rows, pull cursor), as ODK Collect keeps projects apart; this small
// directory database only names them, with each one's count of unsent records, so the next person to
// log in can be told whose unsent work stays here. No DOM here: it runs in pages and the service worker.

const DIRECTORY = 'nithet-device';
/** The one database of the app before accounts were kept apart; the first account to open it keeps it. */
const LEGACY = 'nithet';
/** A cookie the server sets at login and clears at logout (not secret): who is signed in on this browser. */
export const SIGNED_IN_COOKIE = 'nithet_user';

/** @typedef {{user_id: number, db: string, username?: string, display_name?: string, unsent?: number, signed_out?: boolean}} Account */

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

function openDirectory() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DIRECTORY, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('accounts', { keyPath: 'user_id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => { opening = null; reject(req.error); };
    });
  }
  return opening;
}

/** @returns {Promise<any>} */
async function withAccounts(mode, fn) {
  const db = await openDirectory();
  return new Promise((resolve, reject) => {
    const t = db.transaction('accounts', mode);
    const result = fn(t.objectStore('accounts'));
    t.oncomplete = () => resolve(result.result);
    t.onerror = () => reject(t.error);
  });
}

/** @returns {Promise<Account[]>} */
export const allAccounts = () => withAccounts('readonly', (s) => s.getAll());

async function legacyExists() {
  const list = (await indexedDB.databases?.()) || [];
  return list.some((d) => d.name === LEGACY);
}

/** The name of this account's database on this tablet, made the first time the account is used here. */
export async function databaseFor(userId) {
  const accounts = await allAccounts();
  const mine = accounts.find((a) => a.user_id === userId);
  if (mine) return mine.db;
  const adopt = !accounts.some((a) => a.db === LEGACY) && (await legacyExists());
  const row = { user_id: userId, db: adopt ? LEGACY : `nithet-u${userId}`, unsent: 0 };
  await withAccounts('readwrite', (s) => s.add(row)).catch(() => null); // another tab was first: keep its row
  return (await allAccounts()).find((a) => a.user_id === userId).db;
}

/** Remember who this account is, how many of its records are not sent yet, and whether it logged out on
 * this tablet (then nothing is sent for it, even while its server session lasts, until it logs in again). */
export async function noteAccount(userId, fields) {
  const db = await databaseFor(userId);
  const row = (await allAccounts()).find((a) => a.user_id === userId);
  await withAccounts('readwrite', (s) => s.put({ ...row, ...fields, user_id: userId, db }));
}

/** May the service worker sync for this account (it has not logged out on this tablet)? */
export async function mayAutoSync(userId) {
  const row = (await allAccounts()).find((a) => a.user_id === userId);
  return Boolean(row) && !row.signed_out;
}

/** Other accounts with unsent records on this tablet. @returns {Promise<Account[]>} */
export async function othersWithUnsent(userId) {
  return (await allAccounts()).filter((a) => a.user_id !== userId && (a.unsent || 0) > 0);
}

/** The account signed in on this browser, from the server's cookie; null when signed out. */
export function signedInUser() {
  const doc = globalThis.document;
  if (!doc) return null;
  const match = doc.cookie.split('; ').find((c) => c.startsWith(`${SIGNED_IN_COOKIE}=`));
  return match ? Number(match.slice(SIGNED_IN_COOKIE.length + 1)) || null : null;
}

/** Forget locally that anyone is signed in (logging out without a connection). */
export function forgetSignedIn() {
  const doc = globalThis.document;
  if (doc) doc.cookie = `${SIGNED_IN_COOKIE}=; Max-Age=0; path=/`;
}
