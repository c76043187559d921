// The day's work, computed offline from what IndexedDB holds: today's visits of my team, my classrooms at
// each school with the forms to fill and their state, and the actions agreed at the school's previous visit.
// No DOM here: the home screen renders it (today-view.js) and the form page prefills new records from it.

/**
 * @typedef {{observer_id: number, teacher_id: string, grade: ?string, room: ?string, hour: ?string}} Assignment
 * @typedef {{id: string, date: string, session: string, school_code: string, network_id: string,
 *   team: number[], assignments: Assignment[], cancelled?: boolean}} Visit
 * @typedef {{id: string, form_id: string, form_version: number, state: string, visit_id: ?string,
 *   answers: Record<string, any>, updated_at: string, author_id?: number, origin?: string}} LocalRecord
 * @typedef {'none'|'draft'|'pending'|'synced'|'rejected'|'conflict'} TaskState
 * @typedef {{form_id: string, href: string, state: TaskState, record: ?LocalRecord}} Task
 * @typedef {{action: string, owner: string, due_date: string, status: ?string}} EarlierAction
 * @typedef {{record: LocalRecord, date: string, actions: EarlierAction[]}} Previous
 * @typedef {{assignment: Assignment, teacher: string, observer: string, task: Task}} Classroom
 * @typedef {{visit: Visit, school: string, mine: Classroom[], others: Classroom[], reflection: Task,
 *   policy: Task, literacy: Task, previous: ?Previous}} VisitPlan
 * @typedef {{form_id: string, version: number, title: string}} FormVersion
 */

const SESSION_ORDER = { morning: 0, afternoon: 1 };
/** States that mean work is still on this tablet; such a record stands for its task before any other. */
const LOCAL = new Set(['draft', 'pending', 'rejected', 'conflict']);

/** The newest version of each form: `{observation: 1, reflection: 2, …}`.
 * @param {FormVersion[]} forms @returns {Record<string, number>} */
export function latestVersions(forms) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const f of forms) out[f.form_id] = Math.max(out[f.form_id] || 0, f.version);
  return out;
}

/** The record that stands for a task: work still on this tablet first, then the newest.
 * @param {LocalRecord[]} records @returns {?LocalRecord} */
export function pickRecord(records) {
  const sorted = [...records].sort(
    (a, b) =>
      Number(LOCAL.has(b.state)) - Number(LOCAL.has(a.state)) ||
      String(b.updated_at).localeCompare(String(a.updated_at)),
  );
  return sorted[0] || null;
}

/** A form to fill for a visit: open its record if one exists, else a new one prefilled from the visit.
 * @param {string} formId @param {number} version @param {Visit} visit @param {LocalRecord[]} records
 * @param {Record<string, string>} [extra] more prefill for a new record (teacher, grade, room)
 * @returns {Task} */
export function task(formId, version, visit, records, extra = {}) {
  const record = pickRecord(records);
  if (record) {
    return {
      form_id: formId,
      record,
      state: /** @type {TaskState} */ (record.state),
      href: `/forms/${formId}/${record.form_version}?record=${encodeURIComponent(record.id)}`,
    };
  }
  const query = new URLSearchParams({ visit: visit.id });
  for (const [k, v] of Object.entries(extra)) if (v) query.set(k, v);
  return { form_id: formId, record: null, state: 'none', href: `/forms/${formId}/${version}?${query}` };
}

/** The school's latest finalized reflection meeting before `before` (an ISO date), if this tablet has one.
 * @param {LocalRecord[]} records @param {string} school @param {string} before @returns {?LocalRecord} */
export function previousReflection(records, school, before) {
  const earlier = records.filter(
    (r) =>
      r.form_id === 'reflection' &&
      r.state !== 'draft' &&
      r.answers?.school === school &&
      typeof r.answers?.visit_date === 'string' &&
      r.answers.visit_date < before,
  );
  earlier.sort((a, b) => b.answers.visit_date.localeCompare(a.answers.visit_date) || b.updated_at.localeCompare(a.updated_at));
  return earlier[0] || null;
}

/** The actions agreed in a reflection, each with its status closed in `closing` (today's reflection), if any.
 * @param {LocalRecord} previous @param {?LocalRecord} closing @returns {EarlierAction[]} */
export function earlierActions(previous, closing) {
  const closed = closing?.answers?.previous_actions || [];
  return (previous.answers.actions || []).map((/** @type {any} */ a) => ({
    action: a.action || '',
    owner: a.owner || '',
    due_date: a.due_date || '',
    status: closed.find((/** @type {any} */ c) => c.previous_action === a.action)?.previous_status || null,
  }));
}

/**
 * Today's visits of my team, morning first, each with what I have to do there.
 * @param {{date: string, me: number, visits: Visit[], records: LocalRecord[], forms: FormVersion[],
 *   teachers: {id: string, name: string}[], schools: {code: string, name: string}[],
 *   users?: {id: number, display_name: string}[]}} data
 * @returns {VisitPlan[]}
 */
export function dayPlan({ date, me, visits, records, forms, teachers, schools, users = [] }) {
  const version = latestVersions(forms);
  const teacherName = new Map(teachers.map((t) => [t.id, t.name]));
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  const schoolName = new Map(schools.map((s) => [s.code, s.name]));
  const today = visits.filter((v) => v.date === date && !v.cancelled);
  const mineOnly = today.filter((v) => (v.team || []).includes(me));
  const shown = mineOnly.length ? mineOnly : today;
  shown.sort(
    (a, b) =>
      (SESSION_ORDER[a.session] ?? 9) - (SESSION_ORDER[b.session] ?? 9) ||
      String(a.school_code).localeCompare(String(b.school_code)),
  );
  return shown.map((visit) => {
    const ofVisit = records.filter((r) => r.visit_id === visit.id);
    const ofForm = (/** @type {string} */ id) => ofVisit.filter((r) => r.form_id === id);
    /** @param {Assignment} a @returns {Classroom} */
    const classroom = (a) => ({
      assignment: a,
      teacher: teacherName.get(a.teacher_id) || a.teacher_id,
      observer: userName.get(a.observer_id) || '',
      task: task(
        'observation',
        version.observation || 1,
        visit,
        ofForm('observation').filter((r) => r.answers?.teacher === a.teacher_id),
        { teacher: a.teacher_id, grade: a.grade || '', room: a.room || '' },
      ),
    });
    const byHour = [...(visit.assignments || [])].sort((a, b) => String(a.hour || '').localeCompare(String(b.hour || '')));
    const reflection = task('reflection', version.reflection || 1, visit, ofForm('reflection'));
    const before = previousReflection(records, visit.school_code, visit.date);
    return {
      visit,
      school: schoolName.get(visit.school_code) || visit.school_code,
      mine: byHour.filter((a) => a.observer_id === me).map(classroom),
      others: byHour.filter((a) => a.observer_id !== me).map(classroom),
      reflection,
      policy: task('policy', version.policy || 1, visit, ofForm('policy')),
      literacy: task('literacy', version.literacy || 1, visit, ofForm('literacy')),
      previous: before
        ? { record: before, date: before.answers.visit_date, actions: earlierActions(before, reflection.record) }
        : null,
    };
  });
}

/**
 * Answers a new record starts with when opened for a visit: the visit's school, date and session; for an
 * observation the classroom (teacher, grade, room); for a reflection meeting the visit's observations on this
 * tablet, one item per observed teacher, and the actions agreed at the school's previous visit to close.
 * Only names the form has are set (`has`), so an older form version gets what it can hold.
 * @param {string} formId @param {Visit} visit @param {URLSearchParams} params
 * @param {LocalRecord[]} records @param {(name: string) => boolean} has
 * @returns {Record<string, any>}
 */
export function prefill(formId, visit, params, records, has) {
  /** @type {Record<string, any>} */
  const answers = { visit_date: visit.date, session: visit.session };
  if (formId === 'observation') {
    for (const name of ['teacher', 'grade', 'room']) if (params.get(name)) answers[name] = params.get(name);
  }
  if (formId === 'reflection') {
    const observed = records.filter((r) => r.form_id === 'observation' && r.visit_id === visit.id);
    if (observed.length) answers.linked_observations = observed.map((r) => r.id);
    const teachers = [...new Set((visit.assignments || []).map((a) => a.teacher_id))];
    if (teachers.length) answers.teachers = teachers.map((teacher) => ({ teacher }));
    const before = previousReflection(records, visit.school_code, visit.date);
    if (before && (before.answers.actions || []).length) {
      answers.previous_meeting_date = before.answers.visit_date;
      answers.previous_actions = before.answers.actions.map((/** @type {any} */ a) => {
        /** @type {Record<string, string>} */
        const item = { previous_action: a.action };
        if (a.owner) item.previous_owner = a.owner;
        if (a.due_date) item.previous_due = a.due_date;
        return item;
      });
    }
  }
  return Object.fromEntries(Object.entries(answers).filter(([name]) => has(name)));
}
