// Pickers filled from this tablet's reference data: schools, the chosen school's teachers, the school's
// observation records (for a reflection meeting), and the planned visit a record joins.
import { t } from '../i18n.js';
import { SESSIONS } from '../labels.js';
import * as store from '../store.js';
import { beDate, todayIso } from '../thaidate.js';
import { read } from './binding.js';
import { $, fields, formEl, page } from './page.js';

const currentSchool = () => {
  const school = fields.find((f) => f.kind === 'school');
  return school ? read(school.name) || page.record.answers[school.name] || '' : '';
};

/** The teacher pickers under `root`, with the teachers of the school their field names.
 * @param {ParentNode} root */
export function fillTeacherPickers(root) {
  for (const select of /** @type {NodeListOf<HTMLSelectElement>} */ (root.querySelectorAll('select[data-picker="teacher"]'))) {
    const schoolField = select.dataset.schoolField || 'school';
    const school = read(schoolField) || page.record.answers[schoolField];
    const keep = select.value || select.dataset.keep || '';
    const options = page.teachers.filter((x) => x.school_code === school).sort((a, b) => a.name.localeCompare(b.name, 'th'));
    select.replaceChildren(new Option(school ? t('Choose…') : t('Choose the school first'), ''),
      ...options.map((x) => new Option(x.name, x.id)));
    select.value = keep;
  }
}

async function fillObservationPickers() {
  const boxes = /** @type {NodeListOf<HTMLElement>} */ (formEl.querySelectorAll('[data-picker="observation"]'));
  if (!boxes.length) return;
  const school = currentSchool();
  for (const box of boxes) {
    const key = box.dataset.name || '';
    const keep = new Set(read(key) || []);
    const mine = (school ? await store.recordsOfSchool(box.dataset.formRef, school) : [])
      .filter((/** @type {any} */ r) => r.id !== page.record.id)
      .sort((/** @type {any} */ a, /** @type {any} */ b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    const teacherName = new Map(page.teachers.map((x) => [x.id, x.name]));
    const chips = mine.map((/** @type {any} */ r) => {
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
      p.textContent = t('No observation records of this school on this tablet');
      box.replaceChildren(p);
    }
  }
}

/** Read the reference data again and fill every picker (their chosen values kept). */
export async function fillPickers() {
  page.visits = await store.getReference('visits');
  const schools = (await store.getReference('schools')).sort((/** @type {any} */ a, /** @type {any} */ b) => a.name.localeCompare(b.name, 'th'));
  page.teachers = await store.getReference('teachers');
  for (const select of /** @type {NodeListOf<HTMLSelectElement>} */ (formEl.querySelectorAll('select[data-picker="school"]'))) {
    const keep = select.value;
    select.replaceChildren(new Option(t('Choose…'), ''), ...schools.map((/** @type {any} */ s) => new Option(s.name, s.code)));
    select.value = keep;
  }
  fillTeacherPickers(formEl);
  await fillObservationPickers();
}

/** A record not opened from a visit joins the visit of its school on its date (and session, when answered),
 * so it shows on the Today card and the reflection meeting finds it. */
export function linkVisit() {
  const { record, visits } = page;
  if (!record.visit_id && record.state === 'draft') {
    const a = record.answers;
    const visit = visits.find((v) => !v.cancelled && v.school_code === a.school && v.date === (a.visit_date || todayIso())
      && (!a.session || v.session === a.session));
    if (visit) record.visit_id = visit.id;
  }
  const note = $('visit-link');
  const visit = visits.find((v) => v.id === record.visit_id);
  note.hidden = !visit;
  if (visit) note.textContent = `${t('Linked to the planned visit of')} ${beDate(visit.date, 'medium')} · ${t(SESSIONS[visit.session] ?? visit.session)}`;
}
