// What every part of the form page shares: the form definition (the page's JSON island), the <form>, the
// open record, and the hooks the entry module (form.js) fills in.
import { walk } from '../validate.js';

/** @typedef {import('../record.js').State} State */
/**
 * @typedef {{id: string, form_id: string, form_version: number, answers: Record<string, any>, state: State,
 *   origin?: string, timers?: Record<string, any>, visit_id: ?string, rev: ?string, base_rev: ?string,
 *   synced_rev: ?string, created_at: string, updated_at: string, title?: ?string, device_time?: string,
 *   receipt?: any, conflict?: any, resolves?: string[]}} LocalRecord
 */

/** @type {any} */
export const form = JSON.parse(document.getElementById('form-def')?.textContent || '{}');
export const formEl = /** @type {HTMLFormElement} */ (document.getElementById('record-form'));
/** @type {any[]} */
export const fields = walk(form);
/** @type {any[]} */
export const topFields = form.sections.flatMap((/** @type {any} */ s) => s.fields);
/** @param {string} id @returns {any} */
export const $ = (id) => document.getElementById(id);

/** The open record and what the page keeps beside it. */
export const page = {
  /** @type {LocalRecord} */
  record: /** @type {any} */ (null),
  /** The time the record was finalized, for a meta `end` field. @type {?string} */
  ending: null,
  /** The team's teachers and today's planned visits (reference data). @type {any[]} */
  teachers: [],
  /** @type {any[]} */
  visits: [],
};

/** Work that must end before the record may be finalized (photos being resized). @type {Set<Promise<any>>} */
export const work = new Set();

/** Filled in by form.js: an answer changed (autosave), and the page filled again from the record. */
export const hooks = {
  /** @type {(event?: Event) => void} */
  changed: () => {},
};

/** What the widgets (widgets.js) may do with the page. */
export const widgetContext = {
  changed: () => hooks.changed(),
  /** @param {Promise<any>} promise */
  track: (promise) => {
    work.add(promise);
    promise.finally(() => work.delete(promise));
  },
  timers: () => {
    page.record.timers = page.record.timers || {};
    return page.record.timers;
  },
};
