// The Today card of the home screen, offline from IndexedDB: each school of the day by session, my classrooms
// there with the observation to fill and its state, the school's forms, and the actions agreed last time.
import { el } from './dom.js';
import { t } from './i18n.js';
import { ACTION_STATUSES, GRADES, SESSIONS } from './labels.js';
import { STATE_LABELS } from './record.js';
import * as store from './store.js';
import { beDate, todayIso } from './thaidate.js';
import { dayPlan } from './today.js';

/** @typedef {import('./today.js').Task} Task @typedef {import('./today.js').VisitPlan} VisitPlan */

const $ = (/** @type {string} */ id) => document.getElementById(id);

/** A state badge: not started, draft, finalized and waiting to sync, synced, rejected, conflict.
 * @param {string} state */
function stateBadge(state) {
  const label = state === 'none' ? t('Not started') : state === 'pending' ? t('Finalized, waiting to sync') : t(STATE_LABELS[state]);
  return el('span', { class: `badge ${state}`, 'data-task-state': state }, label);
}

/** One row of work: a big link (the whole row is the target) with what, for whom, and its state.
 * @param {Task} task @param {{lead?: string, title: string, detail?: string, attrs?: Record<string, string>}} what */
function taskRow(task, { lead, title, detail, attrs = {} }) {
  const verb = task.state === 'none' ? t('Start') : task.state === 'draft' || task.state === 'rejected' || task.state === 'conflict' ? t('Continue') : t('Open');
  return el(
    'li',
    {},
    el(
      'a',
      { class: 'task', href: task.href, 'data-form': task.form_id, 'data-state': task.state, ...attrs },
      lead ? el('span', { class: 'task-lead' }, lead) : null,
      el('span', { class: 'task-main' }, el('strong', {}, title), detail ? el('span', { class: 'muted' }, detail) : null),
      stateBadge(task.state),
      el('span', { class: 'task-go' }, verb),
    ),
  );
}

/** @param {{grade: ?string, room: ?string}} a */
function classLabel(a) {
  return [a.grade ? t(GRADES[a.grade] ?? a.grade) : null, a.room ? `${t('Room')} ${a.room}` : null].filter(Boolean).join(' · ');
}

/** @param {VisitPlan} plan */
function earlierActions(plan) {
  const heading = el('h3', {}, t('Actions agreed at the previous visit'));
  if (!plan.previous) return [heading, el('p', { class: 'muted' }, t('No earlier agreed actions of this school on this tablet'))];
  heading.append(' ', el('span', { class: 'muted small' }, beDate(plan.previous.date, 'medium')));
  const items = plan.previous.actions.map((a) =>
    el(
      'li',
      { 'data-earlier-action': a.action },
      el('span', { class: 'task-main' }, el('strong', {}, a.action),
        el('span', { class: 'muted' }, [a.owner ? `${t('Owner')}: ${a.owner}` : null, a.due_date ? `${t('Due')}: ${beDate(a.due_date, 'medium')}` : null].filter(Boolean).join(' · '))),
      el('span', { class: `badge ${a.status || 'none'}`, 'data-action-status': a.status || '' }, a.status ? t(ACTION_STATUSES[a.status] ?? a.status) : t('Not closed yet')),
    ),
  );
  return [heading, el('ol', { class: 'earlier' }, ...items), el('p', { class: 'hint' }, t("Close each one in today's reflection meeting"))];
}

/** @param {VisitPlan} plan */
function visitCard(plan) {
  const { visit } = plan;
  const mine = plan.mine.length
    ? el('ul', { class: 'tasks mine' }, ...plan.mine.map((c) =>
        taskRow(c.task, { lead: c.assignment.hour || '–', title: c.teacher, detail: [classLabel(c.assignment), t('Classroom observation')].filter(Boolean).join(' · '), attrs: { 'data-teacher': c.assignment.teacher_id } })))
    : el('p', { class: 'muted' }, t('No classroom is assigned to you at this school'));
  const others = plan.others.length
    ? el('details', { class: 'team' },
        el('summary', {}, `${t("The team's other classrooms")} (${plan.others.length})`),
        el('ul', { class: 'tasks compact' }, ...plan.others.map((c) =>
          taskRow(c.task, {
            lead: c.assignment.hour || '–',
            title: c.teacher,
            detail: [classLabel(c.assignment), c.observer ? `${t('Observer')}: ${c.observer}` : null].filter(Boolean).join(' · '),
            attrs: { 'data-teacher': c.assignment.teacher_id, 'data-observer': String(c.assignment.observer_id) },
          }))))
    : null;
  const closing = plan.previous ? `${t('Earlier actions to close:')} ${plan.previous.actions.length}` : undefined;
  return el(
    'li',
    { class: 'visit-card', 'data-visit-id': visit.id, 'data-session': visit.session, 'aria-labelledby': `visit-${visit.id}` },
    el('div', { class: 'visit-head' },
      el('span', { class: `badge session ${visit.session}` }, t(SESSIONS[visit.session] ?? visit.session)),
      el('h2', { id: `visit-${visit.id}` }, plan.school),
      el('span', { class: 'muted' }, beDate(visit.date, 'medium'))),
    el('h3', {}, t('My classrooms')),
    mine,
    others,
    ...earlierActions(plan),
    el('h3', {}, t('For the whole school')),
    el('ul', { class: 'tasks' },
      taskRow(plan.reflection, { title: t('Reflection meeting'), detail: closing }),
      taskRow(plan.policy, { title: t('Policy follow-up') }),
      taskRow(plan.literacy, { title: t('Literacy and numeracy check') })),
  );
}

/** The records Today needs, through indexes: those of today's visits and the reflections of their schools
 * (the previous visit's actions). @param {import('./today.js').Visit[]} visits */
async function recordsFor(visits) {
  const schools = [...new Set(visits.map((v) => v.school_code))];
  const [ofVisits, ...reflections] = await Promise.all([
    store.recordsOfVisits(visits.map((v) => v.id)),
    ...schools.map((code) => store.recordsOfSchool('reflection', code)),
  ]);
  const byId = new Map([...ofVisits, ...reflections.flat()].map((r) => [r.id, r]));
  return [...byId.values()];
}

/** Render today's visits into #today-visits from IndexedDB (reference data and the records they need). */
export async function renderToday() {
  const date = todayIso();
  $('today-date').textContent = beDate(date, 'full');
  const [allVisits, forms, teachers, schools, users] = await Promise.all([
    store.getReference('visits'), store.getReference('forms'),
    store.getReference('teachers'), store.getReference('schools'), store.getReference('users'),
  ]);
  const visits = allVisits.filter((v) => v.date === date);
  const records = await recordsFor(visits);
  const me = Number(document.body.dataset.userId);
  const plans = dayPlan({ date, me, visits, records, forms, teachers, schools, users });
  $('today-visits').replaceChildren(...plans.map(visitCard));
  $('today-empty').hidden = plans.length > 0;
  if (!performance.getEntriesByName('nithet:today').length) performance.mark('nithet:today');
}
