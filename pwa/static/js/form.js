// A form page: answers autosaved to IndexedDB on every change, relevance / calculations / warnings live
// (inside repeat items with the item's scope), finalize with the same validation as the server, the
// record's sync state and conflicts shown, and the feedback summary of derived scores. This module starts
// the page and wires its events; the parts are in form/: page (shared state), binding (answers ↔ controls),
// autosave, paint (relevance, warnings, problems, state), repeats, pickers, conflicts, feedback.
import { requestBackgroundSync, requestSync } from './app.js';
import { t } from './i18n.js';
import { recordId } from './ids.js';
import { next, START } from './record.js';
import * as store from './store.js';
import { todayIso } from './thaidate.js';
import { prefill } from './today.js';
import { validate } from './validate.js';
import { setupWidgets } from './widgets.js';
import { onChange, save } from './form/autosave.js';
import { collect, fill, instanceName } from './form/binding.js';
import { newRev, resolve } from './form/conflicts.js';
import { $, fields, form, formEl, hooks, page, topFields, widgetContext, work } from './form/page.js';
import { checkOnLeave, showProblems, showState } from './form/paint.js';
import { fillPickers, linkVisit } from './form/pickers.js';
import { addItemDom, itemsBox } from './form/repeats.js';

const params = new URLSearchParams(location.search);
hooks.changed = onChange;

/** A new record, prefilled from the visit it was opened for (today.js: the classroom, the visit's observations,
 * the previous visit's actions to close); repeats start with their minimum items. */
async function newRecord(id) {
  const answers = {};
  const visitId = params.get('visit');
  const visit = visitId ? (await store.getReference('visits')).find((v) => v.id === visitId) : null;
  const school = params.get('school') || visit?.school_code;
  if (school) {
    const field = fields.find((f) => f.kind === 'school');
    if (field) answers[field.name] = school;
  }
  if (visit) {
    const has = (name) => fields.some((f) => f.name === name);
    // The visit's records and the school's reflections: all that prefill reads (today.js).
    const [ofVisit, reflections] = await Promise.all([
      store.recordsOfVisits([visit.id]), store.recordsOfSchool('reflection', visit.school_code)]);
    Object.assign(answers, prefill(form.id, visit, params, [...ofVisit, ...reflections], has));
  }
  for (const f of topFields.filter((x) => x.kind === 'repeat' && x.min_items > 0 && !answers[x.name])) {
    answers[f.name] = Array.from({ length: f.min_items }, () => ({}));
  }
  const now = new Date().toISOString();
  return {
    id, form_id: form.id, form_version: form.version, answers, state: START, origin: 'tablet', timers: {},
    visit_id: visit?.id ?? null, rev: null, base_rev: null, synced_rev: null, created_at: now, updated_at: now,
  };
}

async function finalize() {
  const { record } = page;
  if (work.size) {
    $('save-state').textContent = t('Resizing the photo…');
    await Promise.allSettled([...work]);
  }
  page.ending = new Date().toISOString();
  const answers = collect();
  const problems = validate(form, answers, { today: todayIso() });
  record.answers = answers;
  record.title = instanceName(answers);
  showProblems(problems);
  if (problems.length) return;
  // The answers were checked against this page's form version, so that is the version they follow (a
  // draft of a version the server does not know moves to this one).
  record.form_id = form.id;
  record.form_version = form.version;
  record.rev = newRev();
  record.device_time = new Date().toISOString();
  record.state = next(record.state, 'finalize');
  record.receipt = null;
  await save();
  showState();
  $('save-state').textContent = t('Finalized; it will sync when online');
  await requestBackgroundSync();
  requestSync('finalize');
}

async function init() {
  let id = params.get('record');
  if (!id) {
    id = recordId();
    params.set('record', id);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }
  page.record = (await store.getRecord(id)) || (await newRecord(id));
  // An observation's summary goes to the team's recorder as QR codes (handover.js), from this tablet.
  document.getElementById('handover-link')?.setAttribute('href', `/handover?record=${encodeURIComponent(id)}`);
  setupWidgets(formEl, widgetContext);
  fill();
  await fillPickers();
  fill();
  showState();
  linkVisit();
  formEl.addEventListener('input', onChange);
  formEl.addEventListener('focusout', checkOnLeave);
  formEl.addEventListener('change', async (event) => {
    if (/** @type {HTMLElement} */ (event.target).dataset?.picker === 'school') {
      page.record.answers = collect();
      await fillPickers();
    }
    onChange();
  });
  formEl.addEventListener('click', (event) => {
    const add = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest?.('[data-add-item]'));
    if (!add) return;
    addItemDom(add.dataset.addItem);
    onChange();
    const first = itemsBox(add.dataset.addItem).lastElementChild?.querySelector('input:not([type=hidden]), select, textarea');
    /** @type {HTMLElement | null | undefined} */ (first)?.focus();
  });
  $('finalize').addEventListener('click', finalize);
  $('edit-record').addEventListener('click', () => {
    page.record.state = next(page.record.state, 'reopen');
    save();
    showState();
  });
  $('keep-mine').addEventListener('click', () => resolve(page.record.answers));
  $('take-server').addEventListener('click', () => resolve(page.record.conflict.current.answers));
  window.addEventListener('nithet:records-changed', async () => {
    const fresh = await store.getRecord(page.record.id);
    if (fresh && (fresh.state !== page.record.state || fresh.receipt?.code !== page.record.receipt?.code)) {
      page.record = fresh;
      fill();
      showState();
    }
  });
  document.body.dataset.formReady = 'true';
}

init();
