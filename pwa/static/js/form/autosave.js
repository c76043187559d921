// Autosave: every change goes into the record and to IndexedDB. It keeps up however many records the tablet
// holds: at most one write in flight and at most one waiting (the newest answers replace a waiting
// snapshot), and nothing but the record itself is read or written per keystroke. The unsynced counts change
// only with the record's state, so only then are they recounted (by index, see store.countByState).
import { refreshStatus } from '../app.js';
import { t } from '../i18n.js';
import { editable, next } from '../record.js';
import { compileRule } from '../rules.js';
import * as store from '../store.js';
import { collect, instanceName, putAnswer, read } from './binding.js';
import { $, fields, form, page } from './page.js';
import { linkVisit } from './pickers.js';

/** @type {any} */
let queued = null;
/** @type {Promise<void> | null} */
let writing = null;
let countedState = '';

async function drain() {
  try {
    while (queued) {
      const snapshot = queued;
      queued = null;
      await store.putRecord(snapshot);
      $('save-state').textContent = `${t('Saved on this tablet')} ✓`;
      window.dispatchEvent(new CustomEvent('nithet:saved', { detail: snapshot }));
      if (snapshot.state !== countedState) {
        countedState = snapshot.state;
        refreshStatus();
      }
    }
  } finally {
    writing = null;
  }
}

/** Save the record as it is now; resolves once this (or a newer) snapshot is committed. */
export function save() {
  page.record.updated_at = new Date().toISOString();
  queued = structuredClone(page.record);
  if (!writing) writing = drain();
  return writing;
}

/** Typing in a text box that no rule reads: the one answer goes into the record and is saved at once; the
 * whole page (relevance, calculations, warnings) is collected again once typing pauses. */
const TYPED = new Set(['text', 'textarea', 'number', 'time', 'date']);
const SETTLE_MS = 300;
let settle = 0;
/** Names some rule reads (relevance, required-if, calculations, warnings, constraints, choice filters,
 * repeat counts, derived scores, the instance name), names a text shows with ${} (labels, hints, messages,
 * choice labels: filled in live, see paint.js interpolate), and fields with a warning of their own: typing
 * in these collects the whole page at once. */
const LIVE = (() => {
  const names = new Set();
  /** @param {?string} source @param {{choice?: boolean}} [mode] */
  const add = (source, mode) => { if (source) for (const n of compileRule(source, mode).references()) names.add(n); };
  /** @param {?Record<string, string>} label */
  const addText = (label) => {
    for (const text of Object.values(label || {})) {
      for (const [, n] of String(text).matchAll(/\$\{([^{}$\s]+)\}/g)) names.add(n);
    }
  };
  for (const f of fields) {
    for (const rule of [f.relevant, f.required_if, f.calculate, f.warning, f.constraint, f.repeat_count]) add(rule);
    add(f.choice_filter, { choice: true }); // bare names in a choice filter are the choice's columns
    for (const text of [f.label, f.hint, f.constraint_message, f.warning_message]) addText(text);
    for (const c of (form.choices || {})[f.choices] || []) addText(c.label);
    if (f.warning) names.add(f.name);
  }
  for (const d of form.derived || []) add(d.rule);
  add(form.instance_name);
  return names;
})();

/** An answer changed (or, without an event, the page must be collected): into the record, then saved.
 * @param {Event} [event] */
export function onChange(event) {
  const { record } = page;
  if (!editable(record.state)) return;
  const target = event?.type === 'input' ? /** @type {HTMLInputElement} */ (event.target) : null;
  clearTimeout(settle);
  const typed = target?.name && TYPED.has(target.type) && !LIVE.has(target.name.split('.').pop());
  if (typed && putAnswer(record.answers, target.name, read(target.name))) {
    settle = setTimeout(() => onChange(), SETTLE_MS);
  } else {
    record.answers = collect();
    record.title = instanceName(record.answers);
    linkVisit();
  }
  record.state = next(record.state, 'edit');
  save();
}
