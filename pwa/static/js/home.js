// The home screen: today's visits (today-view.js), the records on this tablet with their state, storage, export.
import { el } from './dom.js';
import { t } from './i18n.js';
import * as store from './store.js';
import { beDate, beDateTime, todayIso } from './thaidate.js';
import { renderToday } from './today-view.js';

const $ = (id) => document.getElementById(id);
let filter = 'open';

async function names(kind, keyField, labelField) {
  const rows = await store.getReference(kind);
  return new Map(rows.map((r) => [r[keyField], r[labelField]]));
}

function title(record, schools) {
  if (record.title) return record.title; // the form's instance_name, computed by the form page
  const a = record.answers || {};
  const parts = [schools.get(a.school) || a.school, a.topic, a.visit_date ? beDate(a.visit_date, 'medium') : null];
  return parts.filter(Boolean).join(' · ') || t('list.untitled');
}

/** The page to open a record in: its own form version, or — when the server no longer knows that
 * version (the record was rejected as `unknown_form`) — the newest version of the same form, so the
 * record can be finalized again on a version the server accepts instead of being stuck. */
function formHref(record, versions) {
  const known = versions.filter((f) => f.form_id === record.form_id).map((f) => f.version);
  const version = known.includes(record.form_version) || !known.length ? record.form_version : Math.max(...known);
  return `/forms/${record.form_id}/${version}?record=${record.id}`;
}

async function renderRecords() {
  const schools = await names('schools', 'code', 'name');
  const versions = await store.getReference('forms');
  const me = Number(document.body.dataset.userId);
  let records = await store.allRecords();
  records = records.filter((r) => r.origin !== 'server' || r.author_id === me || r.state !== 'synced');
  if (filter === 'open') records = records.filter((r) => r.state !== 'synced');
  records.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  $('record-list').replaceChildren(
    ...records.map((r) =>
      el(
        'li',
        { 'data-record-id': r.id, 'data-state': r.state },
        el(
          'a',
          { href: formHref(r, versions) },
          el('span', { class: `badge ${r.state}` }, t(`state.${r.state}`)),
          el('strong', {}, title(r, schools)),
          el('span', { class: 'muted' }, beDateTime(r.updated_at)),
          r.receipt?.message ? el('span', { class: 'error' }, r.receipt.message) : null,
        ),
      ),
    ),
  );
  $('record-empty').hidden = records.length > 0;
  const last = await store.getMeta('last_sync');
  $('last-sync').textContent = last ? beDateTime(last) : '–';
}

async function exportUnsent() {
  const unsent = (await store.allRecords()).filter((r) => r.state !== 'synced');
  const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), records: unsent }, null, 2)], {
    type: 'application/json',
  });
  const a = el('a', { href: URL.createObjectURL(blob), download: `nithet-unsent-${todayIso()}.json` });
  document.body.append(a);
  a.click();
  a.remove();
}

for (const button of document.querySelectorAll('[data-filter]')) {
  button.addEventListener('click', () => {
    filter = button.dataset.filter;
    for (const b of document.querySelectorAll('[data-filter]')) b.setAttribute('aria-pressed', String(b === button));
    renderRecords();
  });
}
$('export-unsent').addEventListener('click', exportUnsent);
window.addEventListener('nithet:records-changed', () => { renderRecords(); renderToday(); });
window.addEventListener('nithet:storage', (event) => {
  const { persisted, usage, quota } = event.detail;
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  $('storage-info').textContent = `${t(persisted ? 'storage.persisted' : 'storage.not_persisted')} · ${t('storage.used')} ${mb(usage)} / ${mb(quota)} MB`;
});
renderToday();
renderRecords();
