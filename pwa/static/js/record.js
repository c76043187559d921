// A record's state on the tablet and every way it changes: the one place that decides a record's `state`
// (form pages and the outbox call `next`). Pure: no DOM, no IndexedDB, so it runs in pages, the service
// worker and Node, against the shared vectors in forms/vectors/record_states.json.
import { N_ } from './i18n.js';

/** @typedef {'draft' | 'pending' | 'synced' | 'rejected' | 'conflict'} State */
/** @typedef {'edit' | 'finalize' | 'reopen' | 'resolve' | 'pulled' | 'stored' | 'duplicate' | 'rejected'
 *   | 'conflict' | 'attachment_missing' | 'stale'} RecordEvent */

/** The states, each with what it means (shown on the tablet as `state.<name>`). */
export const STATES = /** @type {const} */ ({
  draft: 'being filled in on this tablet, not finalized',
  pending: 'finalized, waiting to sync (read only)',
  synced: 'the server holds this revision (read only)',
  rejected: 'the server refused it: fix the answers and finalize again',
  conflict: 'someone else changed it on the server: choose a version',
});

/** How each state is shown (message ids, see i18n.js). @type {Record<State, string>} */
export const STATE_LABELS = {
  draft: N_('Draft'), pending: N_('Waiting to sync'), synced: N_('Synced'), rejected: N_('Rejected'), conflict: N_('Conflict'),
};

/** States that are work not yet on the server (the unsynced counts). */
export const UNSYNCED = /** @type {State[]} */ (['draft', 'pending', 'rejected', 'conflict']);

/** A record in these states is read only: the user presses Edit (`reopen`) first. */
export const READ_ONLY = /** @type {State[]} */ (['pending', 'synced']);

/** `TRANSITIONS[state][event]` is the next state; an event missing there is refused. A receipt of the
 * revision the record holds (`stored` … `attachment_missing`) applies in any state: the user may have
 * pressed Edit while the push was on its way. A receipt of an older revision is `stale`. */
const RECEIPTS = /** @type {const} */ ({
  stored: 'synced', duplicate: 'synced', rejected: 'rejected', conflict: 'conflict', stale: null,
});
/** @type {Record<State, Partial<Record<RecordEvent, State | null>>>} */
const TRANSITIONS = {
  draft: { edit: 'draft', finalize: 'pending', ...RECEIPTS, attachment_missing: null },
  pending: { reopen: 'draft', ...RECEIPTS, attachment_missing: 'pending' },
  synced: { reopen: 'draft', pulled: 'synced', ...RECEIPTS, attachment_missing: null },
  rejected: { edit: 'draft', finalize: 'pending', ...RECEIPTS, attachment_missing: null },
  conflict: { edit: 'conflict', finalize: 'pending', resolve: 'pending', ...RECEIPTS, attachment_missing: null },
};

/** The state a record from the server starts in on this tablet (pulled, not made here). */
export const FROM_SERVER = /** @type {State} */ ('synced');
/** The state of a record just started on this tablet. */
export const START = /** @type {State} */ ('draft');

/** The next state after `event`; null keeps the state as it is (a stale receipt). Throws on an event the
 * state does not take (editing a read-only record, resolving what is not a conflict).
 * @param {string} state @param {string} event @returns {State} */
export function next(state, event) {
  const row = TRANSITIONS[/** @type {State} */ (state)];
  if (!row) throw new Error(`unknown record state: ${state}`);
  if (!(event in row)) throw new Error(`a ${state} record does not take ${event}`);
  return row[/** @type {RecordEvent} */ (event)] ?? /** @type {State} */ (state);
}

/** Whether the state takes the event. @param {string} state @param {string} event */
export const takes = (state, event) => event in (TRANSITIONS[/** @type {State} */ (state)] || {});

/** The event a push receipt is for this record: its status, `attachment_missing` for a photo the server
 * must get again, or `stale` when the receipt is for a revision the record no longer holds (except that
 * `stored`/`duplicate` still move its base, see sync.js applyReceipt).
 * @param {{rev: ?string}} record @param {{rev: string, status: string, code?: ?string}} receipt
 * @returns {RecordEvent} */
export function receiptEvent(record, receipt) {
  if (record.rev !== receipt.rev) return 'stale';
  if (receipt.code === 'attachment_missing') return 'attachment_missing';
  return /** @type {RecordEvent} */ (receipt.status);
}

/** Whether the user may change the answers now. @param {string} state */
export const editable = (state) => !READ_ONLY.includes(/** @type {State} */ (state));
