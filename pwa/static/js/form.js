// A form page: answers autosaved to IndexedDB on every change, relevance / calculations / warnings live,
// finalize with the same validation as the server, and the record's sync state and conflicts shown.
import { requestBackgroundSync, requestSync, refreshStatus } from './app.js';
import { t } from './i18n.js';
import { compileRule, truthy } from './rules.js';
import * as store from './store.js';
import { beDate, todayIso } from './thaidate.js';
import { evidenceName, evidenceRequired, isEmpty, isRelevant, validate, walk } from './validate.js';

const form = JSON.parse(document.getElementById('form-def').textContent);
const formEl = /** @type {HTMLFormElement} */ (document.getElementById('record-form'));
const fields = walk(form);
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
/** @type {any} */
let record;
let saving = Promise.resolve();

const newRev = () => `r-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
const wrapper = (name) => formEl.querySelector(`[data-field="${CSS.escape(name)}"]`);
const inputs = (name) => [...formEl.elements].filter((e) => e.name === name);

/** Read one answer from the page, typed as the form says. */
function read(field) {
  const els = inputs(field.name);
  if (!els.length) return null;
  const first = els[0];
  if (first.type === 'radio') {
    const checked = els.find((e) => e.checked);
    if (!checked) return null;
    return first.dataset.type === 'int' ? Number(checked.value) : checked.value;
  }
  if (first.type === 'checkbox') return els.filter((e) => e.checked).map((e) => e.value);
  const raw = first.value.trim() === '' ? null : first.value;
  if (raw === null) return null;
  if (first.dataset.type === 'int') return Number.isInteger(Number(raw)) ? Number(raw) : raw;
  if (first.dataset.type === 'float') return Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return first.tagName === 'TEXTAREA' || first.type === 'text' ? first.value.normalize('NFC') : raw;
}

function write(name, value) {
  for (const el of inputs(name)) {
    if (el.type === 'radio') el.checked = value !== null && value !== undefined && String(value) === el.value;
    else if (el.type === 'checkbox') el.checked = Array.isArray(value) && value.includes(el.value);
    else if (el.tagName === 'OUTPUT') el.textContent = isEmpty(value) ? '–' : String(value);
    else el.value = value ?? '';
  }
}

/** Answers from the page: non-relevant answers are left out, calculations recomputed, and the page
 * updated to match (hidden fields, computed values, warnings, the evidence marks, BE dates). */
function collect() {
  const answers = {};
  const hidden = new Set();
  for (const field of fields) {
    if (field.kind === 'group' || field.kind === 'note') {
      const show = !hidden.has(field.name) && isRelevant(field, answers);
      if (!show) for (const f of walk({ sections: [{ fields: field.fields || [] }] })) hidden.add(f.name);
      const w = wrapper(field.name);
      if (w) w.hidden = !show;
      continue;
    }
    const relevant = !hidden.has(field.name) && isRelevant(field, answers);
    const w = wrapper(field.name);
    if (w) w.hidden = !relevant;
    if (!relevant) continue;
    let value;
    if (field.kind === 'calculate') {
      value = compileRule(field.calculate).evaluate(answers, { today: todayIso() });
      write(field.name, value);
    } else {
      value = read(field);
    }
    if (!isEmpty(value)) answers[field.name] = value;
    if (field.kind === 'rating') {
      const evidence = read({ name: evidenceName(field) });
      if (!isEmpty(evidence)) answers[evidenceName(field)] = evidence;
    }
  }
  for (const field of fields) {
    if (field.kind === 'rating') {
      const mark = wrapper(field.name)?.querySelector('.evidence-req');
      if (mark) mark.hidden = !evidenceRequired(field, answers, answers[field.name]);
    }
    if (field.warning) {
      const warn = $(`warn-${field.name}`);
      if (warn) warn.hidden = hidden.has(field.name) || !truthy(compileRule(field.warning).evaluate(answers));
    }
    if (field.kind === 'date') {
      const out = formEl.querySelector(`[data-be-for="${field.name}"]`);
      if (out) out.textContent = beDate(answers[field.name]);
    }
  }
  return answers;
}

function showProblems(problems) {
  for (const el of formEl.querySelectorAll('.error')) el.hidden = true;
  for (const el of formEl.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  for (const p of problems) {
    const name = p.field.split(/[[.]/)[0];
    const err = $(`err-${name}`) || $(`err-${p.field}`);
    if (!err) continue;
    err.textContent = (p.code === 'constraint' && err.dataset.constraintMessage) || t(`err.${p.code}`);
    err.hidden = false;
    err.closest('.field')?.classList.add('invalid');
  }
  const summary = $('error-summary');
  summary.hidden = problems.length === 0;
  summary.textContent = problems.length ? `${t('form.has_errors')} (${problems.length})` : '';
  if (problems.length) {
    const first = $(`field-${problems[0].field.split(/[[.]/)[0]}`) || $(`f-${problems[0].field}`);
    first?.scrollIntoView({ block: 'center' });
    first?.querySelector('input, select, textarea')?.focus({ preventScroll: true });
  }
}

function save() {
  record.updated_at = new Date().toISOString();
  const snapshot = structuredClone(record);
  saving = saving.then(() => store.putRecord(snapshot)).then(() => {
    $('save-state').textContent = `${t('form.saved')} ✓`;
    refreshStatus();
  });
  return saving;
}

function setReadonly(readonly) {
  formEl.dataset.readonly = String(readonly);
  for (const el of formEl.elements) el.disabled = readonly;
  $('finalize').hidden = readonly;
  $('edit-record').hidden = !readonly;
}

function showState() {
  const box = $('record-state');
  box.hidden = record.state === 'draft';
  box.dataset.state = record.state;
  let text = t(`state.${record.state}`);
  if (record.state === 'pending' || record.state === 'synced') text += ` · ${t('form.readonly')}`;
  if (record.state === 'rejected' && record.receipt) text += ` · ${record.receipt.message || ''}`;
  box.textContent = text;
  if (record.state === 'rejected' && record.receipt?.problems) showProblems(record.receipt.problems);
  showConflict();
  setReadonly(record.state === 'pending' || record.state === 'synced');
}

function showConflict() {
  const box = $('conflict');
  const current = record.state === 'conflict' ? record.conflict?.current : null;
  box.hidden = !current;
  if (!current) return;
  const diff = $('conflict-diff');
  const column = (heading, answers) => {
    const dl = document.createElement('dl');
    for (const field of fields) {
      const a = record.answers[field.name];
      const b = current.answers[field.name];
      if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue;
      const dt = document.createElement('dt');
      dt.textContent = field.label.th;
      const dd = document.createElement('dd');
      dd.className = 'diff';
      dd.textContent = isEmpty(answers[field.name]) ? '–' : String(answers[field.name]);
      dl.append(dt, dd);
    }
    const col = document.createElement('div');
    const h = document.createElement('h3');
    h.textContent = heading;
    col.append(h, dl);
    return col;
  };
  diff.replaceChildren(column(t('conflict.mine'), record.answers), column(t('conflict.server'), current.answers));
}

async function resolve(answers) {
  const current = record.conflict.current;
  record.resolves = [record.conflict.mine];
  record.base_rev = current.rev;
  record.answers = answers;
  record.rev = newRev();
  record.state = 'pending';
  record.conflict = null;
  await save();
  fill();
  showState();
  requestSync('resolve');
}

function onChange() {
  if (record.state === 'pending' || record.state === 'synced') return;
  record.answers = collect();
  if (record.state === 'rejected') record.state = 'draft';
  save();
}

async function finalize() {
  const answers = collect();
  const problems = validate(form, answers, { today: todayIso() });
  showProblems(problems);
  if (problems.length) return;
  record.answers = answers;
  record.rev = newRev();
  record.device_time = new Date().toISOString();
  record.state = 'pending';
  record.receipt = null;
  await save();
  showState();
  $('save-state').textContent = t('form.finalized');
  await requestBackgroundSync();
  requestSync('finalize');
}

async function fillPickers() {
  const schools = (await store.getReference('schools')).sort((a, b) => a.name.localeCompare(b.name, 'th'));
  const teachers = await store.getReference('teachers');
  for (const select of formEl.querySelectorAll('select[data-picker="school"]')) {
    const keep = select.value;
    select.replaceChildren(new Option(t('form.choose'), ''), ...schools.map((s) => new Option(s.name, s.code)));
    select.value = keep;
  }
  for (const select of formEl.querySelectorAll('select[data-picker="teacher"]')) {
    const school = record.answers[select.dataset.schoolField || 'school'] || read({ name: select.dataset.schoolField || 'school' });
    const keep = select.value || record.answers[select.name] || '';
    const options = teachers.filter((x) => x.school_code === school).sort((a, b) => a.name.localeCompare(b.name, 'th'));
    select.replaceChildren(new Option(school ? t('form.choose') : t('form.choose_school_first'), ''),
      ...options.map((x) => new Option(x.name, x.id)));
    select.value = keep;
  }
}

function fill() {
  for (const field of fields) {
    if (field.kind === 'group' || field.kind === 'note') continue;
    write(field.name, record.answers[field.name]);
    if (field.kind === 'rating') write(evidenceName(field), record.answers[evidenceName(field)]);
  }
  collect();
}

/** A new record, prefilled from the visit it was opened for. */
async function newRecord(id) {
  const answers = {};
  const visitId = params.get('visit');
  const visit = visitId ? (await store.getReference('visits')).find((v) => v.id === visitId) : null;
  if (visit) {
    const school = fields.find((f) => f.kind === 'school');
    if (school) answers[school.name] = visit.school_code;
    if (fields.some((f) => f.name === 'visit_date')) answers.visit_date = visit.date;
    if (fields.some((f) => f.name === 'session')) answers.session = visit.session;
  }
  const now = new Date().toISOString();
  return {
    id, form_id: form.id, form_version: form.version, answers, state: 'draft', origin: 'tablet',
    visit_id: visit?.id ?? null, rev: null, base_rev: null, synced_rev: null, created_at: now, updated_at: now,
  };
}

async function init() {
  let id = params.get('record');
  if (!id) {
    id = crypto.randomUUID();
    params.set('record', id);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }
  record = (await store.getRecord(id)) || (await newRecord(id));
  await fillPickers();
  fill();
  await fillPickers();
  fill();
  showState();
  formEl.addEventListener('input', onChange);
  formEl.addEventListener('change', async (event) => {
    if (event.target.dataset?.picker === 'school') {
      record.answers = collect();
      await fillPickers();
    }
    onChange();
  });
  $('finalize').addEventListener('click', finalize);
  $('edit-record').addEventListener('click', () => {
    record.state = 'draft';
    save();
    showState();
  });
  $('keep-mine').addEventListener('click', () => resolve(record.answers));
  $('take-server').addEventListener('click', () => resolve(record.conflict.current.answers));
  window.addEventListener('nithet:records-changed', async () => {
    const fresh = await store.getRecord(record.id);
    if (fresh && fresh.state !== record.state) {
      record = fresh;
      fill();
      showState();
    }
  });
  document.body.dataset.formReady = 'true';
}

init();
