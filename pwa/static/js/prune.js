// Tablet storage pruned the way CHT purges: synced records older than the previous semester leave the tablet
// (they stay on the server), unless something open still needs them. Never a draft, never unsynced work.
import * as store from './store.js';

/**
 * Ids that must stay: what unsynced records link to (a reflection's linked observations), and each school's
 * newest reflection meeting, whose agreed actions the next visit closes (Today reads them).
 * @returns {Promise<Set<string>>}
 */
export async function stillNeeded() {
  const keep = new Set();
  for (const r of await store.recordsInStates(store.UNSYNCED)) {
    for (const id of r.answers?.linked_observations || []) keep.add(id);
  }
  /** @type {Map<string, any>} */
  const newest = new Map();
  for (const r of await store.recordsOfForm('reflection')) {
    const school = r.answers?.school;
    const date = r.answers?.visit_date || '';
    if (r.state === 'draft' || !school) continue;
    const best = newest.get(school);
    if (!best || date > (best.answers.visit_date || '')) newest.set(school, r);
  }
  for (const r of newest.values()) keep.add(r.id);
  return keep;
}

/** Prune records last changed before `before` (ISO date: the previous semester's first day); at most once a
 * day. Resolves with how many records left the tablet. @param {string} before */
export async function pruneTablet(before, { force = false } = {}) {
  const today = new Date().toISOString().slice(0, 10);
  if (!before || (!force && (await store.getMeta('pruned_on')) === today)) return 0;
  const removed = await store.pruneSynced(before, await stillNeeded());
  await store.setMeta('pruned_on', today);
  return removed;
}
