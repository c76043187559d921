// The home screen: today's visits (today-view.js), the records on this tablet with their state, storage, export.
import { othersWithUnsent } from './accounts.js';
import { el } from './dom.js';
import { t } from './i18n.js';
import { GRADES } from './labels.js';
import { STATE_LABELS } from './record.js';
import * as store from './store.js';
import { beDate, beDateTime, todayIso } from './thaidate.js';
import { pruneTablet } from './prune.js';
import { renderToday } from './today-view.js';

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
let filter = 'open';

async function names(kind, keyField, labelField) {
  const rows = await store.getReference(kind);
  return new Map(rows.map((r) => [r[keyField], r[labelField]]));
}

/** A row's title: the form, then the teacher (or the grade), the school, the topic and the date. */
function title(record, ref) {
  const a = record.answers || {};
  const who = ref.teachers.get(a.teacher) || (a.grade ? t(GRADES[a.grade] ?? a.grade) : null);
  const parts = [ref.schools.get(a.school) || a.school, a.topic, a.visit_date ? beDate(a.visit_date, 'medium') : null];
  return {
    form: ref.forms.get(record.form_id) || record.form_id,
    // The form's instance_name (XLSForm), computed by the form page, names the record when it has one.
    text: record.title || [who, ...parts].filter(Boolean).join(' · ') || t('Untitled record'),
  };
}

/** The page to open a record in: its own form version, or — when the server no longer knows that
 * version (the record was rejected as `unknown_form`) — the newest version of the same form, so the
 * record can be finalized again on a version the server accepts instead of being stuck. */
function formHref(record, versions) {
  const known = versions.filter((f) => f.form_id === record.form_id).map((f) => f.version);
  const version = known.includes(record.form_version) || !known.length ? record.form_version : Math.max(...known);
  return `/forms/${record.form_id}/${version}?record=${record.id}`;
}

const PAGE = 50;
/** Where the next page of "All" starts (null: no more). */
let nextPage = null;

async function reference() {
  const versions = await store.getReference('forms');
  return {
    versions,
    schools: await names('schools', 'code', 'name'),
    teachers: await names('teachers', 'id', 'name'),
    forms: new Map(versions.map((f) => [f.form_id, f.title])),
  };
}

/** @param {any} r @param {any} ref */
function recordRow(r, ref) {
  const { form, text } = title(r, ref);
  return el(
    'li',
    { 'data-record-id': r.id, 'data-state': r.state },
    el(
      'a',
      { href: formHref(r, ref.versions) },
      el('span', { class: `badge ${r.state}` }, t(STATE_LABELS[r.state])),
      el('span', { class: 'record-title' }, el('strong', { 'data-form-title': '' }, form), ' ', text),
      el('span', { class: 'muted' }, beDateTime(r.updated_at)),
      r.receipt?.message ? el('span', { class: 'error' }, r.receipt.message) : null,
    ),
  );
}

/** The records list, read through indexes: "to do" is every record not synced (state index); "All" is
 * paged by last change (updated_at index), PAGE rows at a time. */
async function renderRecords({ more = false } = {}) {
  const ref = await reference();
  const me = Number(document.body.dataset.userId);
  let records;
  if (filter === 'open') {
    records = await store.recordsInStates(store.UNSYNCED);
    records.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    nextPage = null;
  } else {
    const page = await store.recordsPage({
      limit: PAGE,
      before: more ? nextPage : null,
      keep: (r) => r.origin !== 'server' || r.author_id === me || r.state !== 'synced',
    });
    records = page.records;
    nextPage = page.next;
  }
  const rows = records.map((r) => recordRow(r, ref));
  if (more) $('record-list').append(...rows);
  else $('record-list').replaceChildren(...rows);
  $('record-more').hidden = !nextPage;
  $('record-empty').hidden = $('record-list').children.length > 0;
  const last = await store.getMeta('last_sync');
  $('last-sync').textContent = last ? beDateTime(last) : '–';
}

/** Other people's unsent records on this tablet: said, never shown or sent under this account. */
async function renderOthers() {
  const others = await othersWithUnsent(Number(document.body.dataset.userId));
  $('others-unsent').replaceChildren(
    ...others.map((a) =>
      el('li', { 'data-username': a.username || '' }, t('{name} ({username}) has {count} records on this tablet not sent yet. They stay here and are sent only when {username} logs in on this tablet.')
        .replaceAll('{name}', a.display_name || '').replaceAll('{username}', a.username || '')
        .replaceAll('{count}', String(a.unsent))),
    ),
  );
  $('others-unsent').hidden = others.length === 0;
}

async function exportUnsent() {
  const unsent = await store.recordsInStates(store.UNSYNCED);
  const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), records: unsent }, null, 2)], {
    type: 'application/json',
  });
  const a = el('a', { href: URL.createObjectURL(blob), download: `nithet-unsent-${todayIso()}.json` });
  document.body.append(a);
  a.click();
  a.remove();
}

for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-filter]'))) {
  button.addEventListener('click', () => {
    filter = button.dataset.filter;
    for (const b of document.querySelectorAll('[data-filter]')) b.setAttribute('aria-pressed', String(b === button));
    renderRecords();
  });
}
$('export-unsent').addEventListener('click', exportUnsent);
$('record-more').addEventListener('click', () => renderRecords({ more: true }));
window.addEventListener('nithet:records-changed', () => { renderRecords(); renderToday(); });
window.addEventListener('nithet:storage', (/** @type {CustomEvent} */ event) => {
  const { persisted, usage, quota } = event.detail;
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  $('storage-info').textContent = `${persisted ? t('Storage is persistent') : t('Storage may be cleared by the browser: sync soon')} · ${t('Storage used')} ${mb(usage)} / ${mb(quota)} MB`;
});
// What follows Today is shown once Today and the list are drawn: nothing moves under the user's finger.
Promise.allSettled([renderToday(), renderRecords(), renderOthers()]).then(() => { delete $('home').dataset.drawing; });
// Once the screen is drawn: old synced records leave the tablet (at most once a day).
setTimeout(() => pruneTablet($('records').dataset.keepSince).catch((e) => console.warn('prune', e)), 2000);
