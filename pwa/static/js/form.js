// A form page: answers autosaved to IndexedDB on every change, relevance / calculations / warnings live
// (inside repeat items with the item's scope), finalize with the same validation as the server, the
// record's sync state and conflicts shown, and the feedback summary of derived scores.
import { requestBackgroundSync, requestSync, refreshStatus } from './app.js';
import { bandOf, derive, flagCounts } from './derive.js';
import { t } from './i18n.js';
import { compileRule, truthy } from './rules.js';
import * as store from './store.js';
import { cleanText } from './text.js';
import { beDate, numericBe, parseDate, todayIso } from './thaidate.js';
import { prefill } from './today.js';
import { evidenceName, evidenceRequired, isEmpty, isRelevant, itemScope, offered, repeatCount, validate, walk } from './validate.js';
import { setupWidgets } from './widgets.js';

const form = JSON.parse(document.getElementById('form-def').textContent);
const formEl = /** @type {HTMLFormElement} */ (document.getElementById('record-form'));
const fields = walk(form);
const topFields = form.sections.flatMap((s) => s.fields);
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
/** @type {any} */
let record;
/** Work that must end before the record may be finalized (photos being resized). */
const work = new Set();
/** @type {{kind: string, at: string, name: string, school_code: string}[]} */
let teachers = [];

const newRev = () => `r-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
const wrapper = (key) => formEl.querySelector(`[data-field="${CSS.escape(key)}"]`);
const inputs = (key) => [...formEl.elements].filter((e) => e.name === key);
/** A validation path (`pupils[2].sex`) as the DOM key of its control (`pupils.2.sex`). */
const keyOf = (path) => path.replace(/\[(\d+)\]\./g, '.$1.').replace(/\[(\d+)\]$/, '.$1');
/** The time the record was finalized, for a meta `end` field. */
let ending = null;

/** Read one answer from the page by its DOM key, typed as the controls say. */
function read(key) {
  const els = inputs(key);
  if (!els.length) return null;
  const first = els[0];
  if (first.dataset.json !== undefined) return first.value ? JSON.parse(first.value) : null;
  if (first.type === 'radio') {
    const checked = els.find((e) => e.checked);
    if (!checked) return null;
    return first.dataset.type === 'int' ? Number(checked.value) : checked.value;
  }
  if (first.type === 'checkbox') return els.filter((e) => e.checked).map((e) => e.value);
  const raw = first.value.trim() === '' ? null : first.value;
  if (raw === null) return null;
  if (first.dataset.type === 'date') return parseDate(raw) ?? raw; // unreadable text stays, and is flagged
  if (first.dataset.type === 'int') return Number.isInteger(Number(raw)) ? Number(raw) : raw;
  if (first.dataset.type === 'float') return Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return first.tagName === 'TEXTAREA' || first.type === 'text' ? cleanText(first.value) : raw;
}

function write(key, value) {
  for (const el of inputs(key)) {
    if (el.dataset.json !== undefined) {
      el.value = isEmpty(value) ? '' : JSON.stringify(value);
      el.dispatchEvent(new Event('nithet:value'));
    } else if (el.type === 'radio') el.checked = value !== null && value !== undefined && String(value) === el.value;
    else if (el.type === 'checkbox') el.checked = Array.isArray(value) && value.includes(el.value);
    else if (el.tagName === 'OUTPUT') el.textContent = isEmpty(value) ? '–' : String(value);
    else if (el.dataset.type === 'date') {
      el.value = typeof value === 'string' && parseDate(value) === value ? numericBe(value) : value ?? '';
      el.dispatchEvent(new Event('nithet:value'));
    } else el.value = value ?? '';
  }
}

// ------------------------------------------------------------------ repeats

const itemsBox = (key) => formEl.querySelector(`[data-items-for="${CSS.escape(key)}"]`);
const itemCount = (key) => itemsBox(key)?.children.length ?? 0;

/** Put an item's index in place of its depth's placeholder, nested repeats' templates included. */
function placeIndex(root, token, index) {
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      if (attr.value.includes(token)) el.setAttribute(attr.name, attr.value.replaceAll(token, String(index)));
    }
    if (el.tagName === 'TEMPLATE') for (const inner of el.content.children) placeIndex(inner, token, index);
  }
}

function addItemDom(key) {
  const box = itemsBox(key);
  const template = formEl.querySelector(`template[data-template-for="${CSS.escape(key)}"]`);
  const index = box.children.length;
  const item = /** @type {HTMLElement} */ (template.content.firstElementChild.cloneNode(true));
  placeIndex(item, `__i${key.split('.').filter((part) => /^\d+$/.test(part)).length}__`, index);
  item.dataset.index = String(index);
  item.querySelector('[data-item-number]').textContent = String(index + 1);
  item.querySelector('[data-remove-item]').addEventListener('click', () => removeItem(key, index));
  box.append(item);
  setupWidgets(item, widgetContext);
  fillTeacherPickers(item);
}

function setItemCount(key, n) {
  const box = itemsBox(key);
  while (box.children.length < n) addItemDom(key);
  while (box.children.length > n) box.lastElementChild.remove();
}

function updateRepeatButtons() {
  for (const button of formEl.querySelectorAll('[data-add-item]')) {
    const rep = button.closest('.repeat');
    const max = rep.dataset.max ? Number(rep.dataset.max) : Infinity;
    const n = itemCount(button.dataset.addItem);
    button.disabled = formEl.dataset.readonly === 'true' || n >= max;
    for (const remove of itemsBox(button.dataset.addItem).querySelectorAll('[data-remove-item]')) {
      remove.disabled = formEl.dataset.readonly === 'true';
    }
  }
}

function removeItem(key, index) {
  if (!confirm(t('repeat.remove_confirm'))) return;
  const answers = collect();
  const parts = key.split('.');
  const last = /** @type {string} */ (parts.pop());
  const parent = parts.reduce((o, part) => o?.[part], answers) || {};
  const items = [...(parent[last] || [])];
  items.splice(index, 1);
  if (items.length) parent[last] = items;
  else delete parent[last];
  record.answers = answers;
  fill();
  onChange();
}

/** The scope of the repeat item(s) a DOM key is in (`hh.0.kids.1.age`: hh[0] then its kids[1]), or null. */
function scopeOf(key, answers) {
  const parts = key.split('.');
  let obj = answers;
  let scope = null;
  for (let i = 0; i + 1 < parts.length && /^\d+$/.test(parts[i + 1]); i += 2) {
    obj = (obj?.[parts[i]] || [])[Number(parts[i + 1])] || {};
    scope = { ...(scope || {}), ...obj };
  }
  return scope;
}

/** A text with ${name} references filled in from the answers (ODK shows a choice by its name). */
function interpolate(text, answers, item) {
  return text.replace(/\$\{([^{}$\s]+)\}/g, (_, name) => {
    const value = compileRule(`\${${name}}`).evaluate(answers, { item });
    return isEmpty(value) ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  });
}

const deviceId = () => {
  let id = localStorage.getItem('nithet-device-id');
  if (!id) localStorage.setItem('nithet-device-id', (id = crypto.randomUUID()));
  return id;
};

/** What the tablet records in a meta field (XLSForm start, end, today, deviceid, username). */
function metaValue(field, current) {
  if (field.meta === 'end') return ending ?? current;
  if (!isEmpty(current)) return current;
  if (field.meta === 'start') return record.created_at;
  if (field.meta === 'today') return todayIso();
  if (field.meta === 'deviceid') return deviceId();
  return field.meta === 'username' ? formEl.dataset.username || null : null;
}

// ------------------------------------------------------------------ answers from the page

/** Answers from the page: non-relevant answers left out, calculations recomputed, the page updated to
 * match (hidden fields, computed values, warnings, evidence marks, BE dates, the feedback summary). */
function collect() {
  const answers = {};
  /** @type {{field: any, key: string, item: any}[]} */
  const shown = [];
  const today = todayIso();
  const visit = (list, prefix, item, target, parentShown) => {
    for (const field of list) {
      const key = prefix + field.name;
      const relevant = parentShown && isRelevant(field, answers, item, today);
      const w = wrapper(key);
      if (w) w.hidden = !relevant;
      if (field.kind === 'group') { visit(field.fields, prefix, item, target, relevant); continue; }
      if (!relevant || field.kind === 'note' || field.kind === 'feedback') continue;
      shown.push({ field, key, item });
      if (field.kind === 'repeat') {
        const entries = [];
        const wanted = repeatCount(field, answers, item, today);
        if (wanted !== null && wanted !== itemCount(key)) setItemCount(key, wanted);
        for (let i = 0; i < itemCount(key); i++) {
          const entry = {};
          entries.push(entry);
          visit(field.fields, `${key}.${i}.`, { ...(item || {}), ...itemScope(field.fields, {}) }, entry, true);
        }
        if (entries.length) target[field.name] = entries;
        continue;
      }
      let value;
      if (field.kind === 'calculate') {
        value = compileRule(field.calculate).evaluate(answers, { item, today });
        write(key, value);
      } else if (field.kind === 'meta') {
        value = metaValue(field, read(key));
        write(key, value);
      } else {
        if (field.choice_filter) filterChoices(field, key, answers, item, today);
        value = read(key);
      }
      if (!isEmpty(value)) {
        target[field.name] = value;
        if (item) item[field.name] = value;
      }
      if (field.kind === 'rating') {
        const evidence = read(prefix + evidenceName(field));
        if (!isEmpty(evidence)) {
          target[evidenceName(field)] = evidence;
          if (item) item[evidenceName(field)] = evidence;
        }
      }
    }
  };
  visit(topFields, '', null, answers, true);
  for (const el of formEl.querySelectorAll('[data-interp]')) {
    el.textContent = interpolate(el.dataset.interp, answers, scopeOf(el.closest('[data-field]')?.dataset.field || '', answers));
  }
  for (const { field, key, item } of shown) {
    const scope = item || answers;
    if (field.kind === 'rating') {
      const mark = wrapper(key)?.querySelector('.evidence-req');
      if (mark) mark.hidden = !evidenceRequired(field, answers, scope[field.name], item, today);
    }
    if (field.warning) {
      const warn = $(`warn-${key}`);
      if (warn) warn.hidden = !truthy(compileRule(field.warning).evaluate(answers, { current: scope[field.name], item, today }));
    }
    if (field.kind === 'date') {
      const out = formEl.querySelector(`[data-be-for="${CSS.escape(key)}"]`);
      if (out) out.textContent = beDate(scope[field.name]);
    }
  }
  showFeedback(answers);
  updateRepeatButtons();
  return answers;
}

/** Show only the choices the field's choice filter keeps; a kept answer that is filtered out is cleared. */
function filterChoices(field, key, answers, item, today) {
  const keep = new Set(offered(form, field, answers, item, today).map((c) => c.value));
  for (const input of inputs(key)) {
    const shownNow = keep.has(input.value);
    input.closest('label').hidden = !shownNow;
    if (!shownNow) input.checked = false;
  }
}

// ------------------------------------------------------------------ feedback summary

function formatValue(d, value) {
  if (value === null || value === undefined) return '–';
  if (d.format === 'flag') return value ? t('yes') : t('no');
  const text = typeof value === 'number' ? value.toLocaleString('th-TH', { maximumFractionDigits: 2 }) : String(value);
  return d.format === 'percent' ? `${text}%` : text;
}

function showFeedback(answers) {
  const boxes = formEl.querySelectorAll('[data-feedback]');
  if (!boxes.length || !(form.derived || []).length) return;
  const values = derive(form, answers, { today: todayIso() });
  const lang = document.documentElement.lang;
  const label = (l) => (lang === 'en' && l.en ? l.en : l.th);
  for (const box of boxes) {
    const wanted = box.dataset.feedback.split(' ').filter(Boolean);
    const list = form.derived.filter((d) => !wanted.length || wanted.includes(d.name));
    const dl = document.createElement('dl');
    dl.className = 'facts feedback-list';
    const perItem = list.filter((d) => d.per_item);
    for (const d of list.filter((x) => !x.per_item)) {
      const band = bandOf(form, d, values[d.name]);
      const dt = document.createElement('dt');
      dt.textContent = label(d.label);
      const dd = document.createElement('dd');
      dd.dataset.derived = d.name;
      dd.textContent = formatValue(d, values[d.name]) + (band ? ` · ${label(band)}` : '');
      dl.append(dt, dd);
    }
    const parts = [dl];
    if (perItem.length) {
      const rep = perItem[0].per_item;
      const items = answers[rep] || [];
      const table = document.createElement('table');
      table.className = 'feedback-table';
      const head = table.createTHead().insertRow();
      for (const text of ['#', ...perItem.map((d) => label(d.label))]) {
        const th = document.createElement('th');
        th.textContent = text;
        head.append(th);
      }
      const body = table.createTBody();
      items.forEach((item, i) => {
        const row = body.insertRow();
        row.insertCell().textContent = item.pupil_code || String(i + 1);
        for (const d of perItem) {
          const v = values[d.name][i];
          const band = bandOf(form, d, v);
          const cell = row.insertCell();
          cell.dataset.derived = d.name;
          cell.textContent = formatValue(d, v) + (band ? ` · ${label(band)}` : '');
        }
      });
      parts.push(table);
    }
    if (box.dataset.countBy) parts.push(countsTable(answers, box.dataset.countBy, label));
    box.replaceChildren(...parts);
  }
}

/** The class counts: per value of `by` (a pupil's grade), the pupils and how many have each flag set. */
function countsTable(answers, by, label) {
  const counts = flagCounts(form, answers, by);
  const flags = form.derived.filter((d) => d.per_item && d.format === 'flag');
  const byField = walk(form).find((f) => f.name === by);
  const choices = (form.choices || {})[byField?.choices] || [];
  const table = document.createElement('table');
  table.className = 'feedback-table';
  table.dataset.counts = by;
  table.createCaption().textContent = t('feedback.counts');
  const head = table.createTHead().insertRow();
  for (const text of [byField ? label(byField.label) : by, ...flags.map((d) => label(d.label))]) {
    head.append(Object.assign(document.createElement('th'), { textContent: text }));
  }
  const body = table.createTBody();
  for (const [value, row] of Object.entries(counts)) {
    const tr = body.insertRow();
    tr.dataset.value = value;
    const name = choices.find((c) => c.value === value);
    tr.insertCell().textContent = `${name ? label(name.label) : value}: ${row.items}`;
    for (const d of flags) Object.assign(tr.insertCell(), { textContent: String(row[d.name]) }).dataset.flag = d.name;
  }
  return table;
}

// ------------------------------------------------------------------ problems, saving, state

/** Show (or clear) the problem of one control; a constraint shows its message, its ${} filled in. */
function showProblem(key, problem, answers) {
  const err = $(`err-${key}`);
  if (!err) return;
  err.hidden = !problem;
  err.closest('.field')?.classList.toggle('invalid', Boolean(problem));
  if (!problem) return;
  const message = problem.code === 'constraint' && err.dataset.constraintMessage;
  err.textContent = message ? interpolate(message, answers, scopeOf(key, answers)) : t(`err.${problem.code}`);
}

/** On leaving a control, as ODK does: its constraint is checked and its message shown (or cleared). */
function checkOnLeave(event) {
  const key = event.target?.name;
  if (!key || formEl.dataset.readonly === 'true') return;
  const answers = collect();
  const problem = validate(form, answers, { today: todayIso() }).find((p) => keyOf(p.field) === key && p.code === 'constraint');
  const err = $(`err-${key}`);
  if (problem || (err && !err.hidden)) showProblem(key, problem, answers);
}

function showProblems(problems) {
  for (const el of formEl.querySelectorAll('.error')) el.hidden = true;
  for (const el of formEl.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const answers = record.answers || {};
  for (const p of problems) showProblem(keyOf(p.field), p, answers);
  const summary = $('error-summary');
  summary.hidden = problems.length === 0;
  summary.textContent = problems.length ? `${t('form.has_errors')} (${problems.length})` : '';
  if (problems.length) {
    const key = keyOf(problems[0].field);
    const first = $(`field-${key}`) || $(`f-${key}`) || $(`err-${key}`)?.closest('.field');
    first?.scrollIntoView({ block: 'center' });
    first?.querySelector('input:not([type=hidden]), select, textarea, button')?.focus({ preventScroll: true });
  }
}

// Autosave keeps up however many records the tablet holds: at most one write in flight and at most one
// waiting (the newest answers replace a waiting snapshot), and nothing but the record itself is read or
// written per keystroke. The unsynced counts change only with the record's state, so only then are they
// recounted (by index, see store.countByState).
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
      $('save-state').textContent = `${t('form.saved')} ✓`;
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
function save() {
  record.updated_at = new Date().toISOString();
  queued = structuredClone(record);
  if (!writing) writing = drain();
  return writing;
}

function setReadonly(readonly) {
  formEl.dataset.readonly = String(readonly);
  for (const el of formEl.elements) {
    if (el.matches('[data-word]')) continue; // the reading grid enables its words itself
    el.disabled = readonly;
  }
  $('finalize').hidden = readonly;
  $('edit-record').hidden = !readonly;
  updateRepeatButtons();
}

function showState() {
  const box = $('record-state');
  box.hidden = record.state === 'draft';
  box.dataset.state = record.state;
  let text = t(`state.${record.state}`);
  if (record.state === 'pending' || record.state === 'synced') text += ` · ${t('form.readonly')}`;
  if (record.state === 'rejected' && record.receipt) text += ` · ${record.receipt.message || ''}`;
  if (record.state === 'pending' && record.receipt?.code === 'attachment_missing') text += ` · ${record.receipt.message || ''}`;
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
  const shown = (v) => (isEmpty(v) ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
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
      dd.textContent = shown(answers[field.name]);
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

/** The record's title in the lists (XLSForm instance_name), or null. */
function instanceName(answers) {
  if (!form.instance_name) return null;
  const value = compileRule(form.instance_name).evaluate(answers, { today: todayIso() });
  return isEmpty(value) ? null : String(value);
}

/** Typing in a text box that no rule reads: the one answer goes into the record and is saved at once; the
 * whole page (relevance, calculations, warnings) is collected again once typing pauses. */
const TYPED = new Set(['text', 'textarea', 'number', 'time', 'date']);
const SETTLE_MS = 300;
let settle = 0;
/** Names some rule reads (relevance, required-if, calculations, warnings, constraints, choice filters,
 * repeat counts, derived scores, the instance name), names a text shows with ${} (labels, hints, messages,
 * choice labels: filled in live, see interpolate), and fields with a warning of their own: typing in these
 * collects the whole page at once. */
const LIVE = (() => {
  const names = new Set();
  const add = (source, mode) => { if (source) for (const n of compileRule(source, mode).references()) names.add(n); };
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

/** Put one typed answer at its DOM key (`notes`, `pupils.2.name`) into the answers; false when the
 * answers do not have the place for it yet (then the whole page is collected). */
function putAnswer(answers, key, value) {
  const path = key.split('.');
  let box = answers;
  for (let i = 0; i < path.length - 1; i++) {
    box = box?.[/^\d+$/.test(path[i]) ? Number(path[i]) : path[i]];
    if (!box || typeof box !== 'object') return false;
  }
  const last = path[path.length - 1];
  if (isEmpty(value)) delete box[last];
  else box[last] = value;
  return true;
}

function onChange(event) {
  if (record.state === 'pending' || record.state === 'synced') return;
  const target = event?.type === 'input' ? event.target : null;
  clearTimeout(settle);
  const typed = target?.name && TYPED.has(target.type) && !LIVE.has(target.name.split('.').pop());
  if (typed && putAnswer(record.answers, target.name, read(target.name))) {
    settle = setTimeout(() => onChange(), SETTLE_MS);
  } else {
    record.answers = collect();
    record.title = instanceName(record.answers);
    linkVisit();
  }
  if (record.state === 'rejected') record.state = 'draft';
  save();
}

/** Today's planned visits (reference data), to link a record started anywhere to its school's visit. */
let visits = [];

/** A record not opened from a visit joins the visit of its school on its date (and session, when answered),
 * so it shows on the Today card and the reflection meeting finds it. */
function linkVisit() {
  if (!record.visit_id && record.state === 'draft') {
    const a = record.answers;
    const visit = visits.find((v) => !v.cancelled && v.school_code === a.school && v.date === (a.visit_date || todayIso())
      && (!a.session || v.session === a.session));
    if (visit) record.visit_id = visit.id;
  }
  const note = $('visit-link');
  const visit = visits.find((v) => v.id === record.visit_id);
  note.hidden = !visit;
  if (visit) note.textContent = `${t('form.linked_visit')} ${beDate(visit.date, 'medium')} · ${t(`visit.${visit.session}`)}`;
}

async function finalize() {
  if (work.size) {
    $('save-state').textContent = t('photo.resizing');
    await Promise.allSettled([...work]);
  }
  ending = new Date().toISOString();
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
  record.state = 'pending';
  record.receipt = null;
  await save();
  showState();
  $('save-state').textContent = t('form.finalized');
  await requestBackgroundSync();
  requestSync('finalize');
}

// ------------------------------------------------------------------ pickers

const currentSchool = () => {
  const school = fields.find((f) => f.kind === 'school');
  return school ? read(school.name) || record.answers[school.name] || '' : '';
};

function fillTeacherPickers(root) {
  for (const select of root.querySelectorAll('select[data-picker="teacher"]')) {
    const school = read(select.dataset.schoolField || 'school') || record.answers[select.dataset.schoolField || 'school'];
    const keep = select.value || select.dataset.keep || '';
    const options = teachers.filter((x) => x.school_code === school).sort((a, b) => a.name.localeCompare(b.name, 'th'));
    select.replaceChildren(new Option(school ? t('form.choose') : t('form.choose_school_first'), ''),
      ...options.map((x) => new Option(x.name, x.id)));
    select.value = keep;
  }
}

async function fillObservationPickers() {
  const boxes = formEl.querySelectorAll('[data-picker="observation"]');
  if (!boxes.length) return;
  const school = currentSchool();
  for (const box of boxes) {
    const key = box.dataset.name;
    const keep = new Set(read(key) || []);
    const mine = (school ? await store.recordsOfSchool(box.dataset.formRef, school) : [])
      .filter((r) => r.id !== record.id)
      .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    const teacherName = new Map(teachers.map((x) => [x.id, x.name]));
    const chips = mine.map((r) => {
      const label = document.createElement('label');
      label.className = 'chip';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = key;
      input.value = r.id;
      input.checked = keep.has(r.id);
      const span = document.createElement('span');
      const a = r.answers;
      span.textContent = [teacherName.get(a.teacher) || a.teacher, a.topic, a.visit_date ? beDate(a.visit_date, 'medium') : null]
        .filter(Boolean).join(' · ') || r.id.slice(0, 8);
      label.append(input, span);
      return label;
    });
    if (chips.length) box.replaceChildren(...chips);
    else {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = t('form.no_observations');
      box.replaceChildren(p);
    }
  }
}

async function fillPickers() {
  visits = await store.getReference('visits');
  const schools = (await store.getReference('schools')).sort((a, b) => a.name.localeCompare(b.name, 'th'));
  teachers = await store.getReference('teachers');
  for (const select of formEl.querySelectorAll('select[data-picker="school"]')) {
    const keep = select.value;
    select.replaceChildren(new Option(t('form.choose'), ''), ...schools.map((s) => new Option(s.name, s.code)));
    select.value = keep;
  }
  fillTeacherPickers(formEl);
  await fillObservationPickers();
}

function fill() {
  const visit = (list, prefix, scope) => {
    for (const field of list) {
      const key = prefix + field.name;
      if (field.kind === 'group') { visit(field.fields, prefix, scope); continue; }
      if (field.kind === 'note' || field.kind === 'feedback') continue;
      if (field.kind === 'repeat') {
        const items = Array.isArray(scope[field.name]) ? scope[field.name] : [];
        setItemCount(key, items.length);
        items.forEach((item, i) => visit(field.fields, `${key}.${i}.`, item));
        continue;
      }
      if (field.kind === 'teacher') for (const el of inputs(key)) el.dataset.keep = scope[field.name] ?? '';
      write(key, scope[field.name]);
      if (field.kind === 'rating') write(prefix + evidenceName(field), scope[evidenceName(field)]);
    }
  };
  visit(topFields, '', record.answers || {});
  collect();
}

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
    id, form_id: form.id, form_version: form.version, answers, state: 'draft', origin: 'tablet', timers: {},
    visit_id: visit?.id ?? null, rev: null, base_rev: null, synced_rev: null, created_at: now, updated_at: now,
  };
}

const widgetContext = {
  changed: () => onChange(),
  track: (promise) => {
    work.add(promise);
    promise.finally(() => work.delete(promise));
  },
  timers: () => {
    record.timers = record.timers || {};
    return record.timers;
  },
};

async function init() {
  let id = params.get('record');
  if (!id) {
    id = crypto.randomUUID();
    params.set('record', id);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }
  record = (await store.getRecord(id)) || (await newRecord(id));
  setupWidgets(formEl, widgetContext);
  fill();
  await fillPickers();
  fill();
  showState();
  linkVisit();
  formEl.addEventListener('input', onChange);
  formEl.addEventListener('focusout', checkOnLeave);
  formEl.addEventListener('change', async (event) => {
    if (event.target.dataset?.picker === 'school') {
      record.answers = collect();
      await fillPickers();
    }
    onChange();
  });
  formEl.addEventListener('click', (event) => {
    const add = event.target.closest?.('[data-add-item]');
    if (!add) return;
    addItemDom(add.dataset.addItem);
    onChange();
    itemsBox(add.dataset.addItem).lastElementChild?.querySelector('input:not([type=hidden]), select, textarea')?.focus();
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
    if (fresh && (fresh.state !== record.state || fresh.receipt?.code !== record.receipt?.code)) {
      record = fresh;
      fill();
      showState();
    }
  });
  document.body.dataset.formReady = 'true';
}

init();
