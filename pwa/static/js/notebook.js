// The visit's notebook entry on the tablet, offline: the reflection meeting named in ?reflection=, the
// observations of that school, date and session on this tablet, and the summaries scanned from teammates'
// tablets (handover.js) for the observations the reflection links but this tablet does not hold. The same
// narrative as the server's print view (reports/print/notebook.html); printed or saved as PDF by the browser.
import { el } from './dom.js';
import * as store from './store.js';
import { beDate } from './thaidate.js';

/** @typedef {{teacher: string, grade: string, area: string, topic: string, start: string, end: string,
 *   strengths: string, develop: string, observer: string}} ClassroomSummary */

const labels = JSON.parse(document.getElementById('notebook-labels')?.textContent || '{}');
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const THAI = '๐๑๒๓๔๕๖๗๘๙';

/** @param {string} start @param {string} end */
function minutes(start, end) {
  const m = (/** @type {string} */ s) => { const [h, mm] = (s || '').split(':').map(Number); return h * 60 + mm; };
  const d = m(end) - m(start);
  return Number.isFinite(d) && d > 0 ? d : 0;
}

/** An observation record on this tablet as the notebook needs it.
 * @param {any} record @param {Map<string, string>} teacherName @param {string} observer @returns {ClassroomSummary} */
export function summarize(record, teacherName, observer) {
  const a = record.answers || {};
  return {
    teacher: teacherName.get(a.teacher) || a.teacher || '', grade: a.grade || '', area: a.learning_area || '',
    topic: a.topic || '', start: a.start_time || '', end: a.end_time || '', strengths: a.strengths || '',
    develop: a.develop_text || '', observer,
  };
}

/** @param {(string|undefined)[]} texts */
const unique = (texts) => [...new Set(texts.map((s) => (s || '').trim()).filter(Boolean))];

/** The notebook entry of a reflection meeting.
 * @param {any} reflection @param {ClassroomSummary[]} classes @param {Map<string, string>} teacherName */
export function entry(reflection, classes, teacherName) {
  const a = reflection.answers || {};
  const actions = (a.actions || []).map((x) => ({
    action: x.action || '', owner: x.owner || '', due: x.due_date || '',
    support: x.support_needed === 'yes' ? x.support_text || '' : '',
  }));
  const met = (a.teachers || []).map((x) => teacherName.get(x.teacher) || x.teacher);
  return {
    school: a.school, date: a.visit_date, session: a.session, classes,
    minutes: classes.reduce((n, c) => n + minutes(c.start, c.end), 0),
    strengths: unique([...classes.map((c) => c.strengths), a.agreed_strengths]),
    develop: unique([...classes.map((c) => c.develop), ...(a.teachers || []).map((x) => x.aar_next)]),
    actions, support: unique(actions.map((x) => x.support)), next: a.next_follow_up || '',
    supervisors: unique(classes.map((c) => c.observer)), teachers: unique([...classes.map((c) => c.teacher), ...met]),
  };
}

/** @param {string} name @param {string} position */
function signature(name, position) {
  return el('div', { class: 'signature' },
    el('p', {}, `${labels.signed} ........................................`),
    el('p', {}, `(${name || '........................................'})`),
    el('p', {}, `${labels.position} ${position}`));
}

/** @param {ReturnType<typeof entry>} e @param {string} schoolName */
function render(e, schoolName) {
  const list = (/** @type {string} */ id, /** @type {string[]} */ items) =>
    $(id).replaceChildren(...(items.length ? items : ['-']).map((s) => el('li', {}, s)));
  $('nb-lead').textContent = `${labels.school} ${schoolName} · ${labels.date} ${beDate(e.date)} · ${labels[e.session] || ''}`;
  $('nb-observed').textContent = labels.observed.replace('%(n)s', String(e.classes.length)).replace('%(minutes)s', String(e.minutes));
  $('nb-classes').replaceChildren(...e.classes.map((c) => el('tr', {},
    el('td', {}, c.teacher), el('td', {}, labels.grade?.[c.grade] || c.grade),
    el('td', {}, [labels.learning_area?.[c.area] || c.area, c.topic].filter(Boolean).join(': ')),
    el('td', {}, `${c.start}–${c.end}`))));
  list('nb-strengths', e.strengths);
  list('nb-develop', e.develop);
  $('nb-actions').replaceChildren(...e.actions.map((x) => el('tr', {}, el('td', {}, x.action), el('td', {}, x.owner), el('td', {}, beDate(x.due)))));
  list('nb-support', e.support);
  $('nb-next').hidden = !e.next;
  /** @type {HTMLElement} */ ($('nb-next').querySelector('span')).textContent = beDate(e.next);
  $('nb-signatures').replaceChildren(
    ...e.supervisors.map((n) => signature(n, labels.supervisor)),
    ...e.teachers.map((n) => signature(n, labels.teacher)),
    signature('', labels.director));
}

/** One digit style for the whole document (the office's choice), as the server's print view does.
 * @param {HTMLElement} root @param {string} style */
function applyDigits(root, style) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    n.nodeValue = style === 'thai'
      ? (n.nodeValue || '').replace(/[0-9]/g, (d) => THAI[Number(d)])
      : (n.nodeValue || '').replace(/[๐-๙]/g, (d) => String(THAI.indexOf(d)));
  }
}

async function main() {
  const id = new URLSearchParams(location.search).get('reflection') || '';
  const reflection = id ? await store.getRecord(id) : null;
  if (!reflection) { $('notebook-missing').hidden = false; return; }
  const [records, teachers, schools, handed] = await Promise.all([
    store.allRecords(), store.getReference('teachers'), store.getReference('schools'), store.getMeta('handover', {}),
  ]);
  const teacherName = new Map(teachers.map((x) => [x.id, x.name]));
  const a = reflection.answers || {};
  const me = document.body.dataset.userName || '';
  const local = records.filter((r) => r.form_id === 'observation' && r.answers?.school === a.school
    && r.answers?.visit_date === a.visit_date && r.answers?.session === a.session);
  const held = new Set(local.map((r) => r.id));
  const scanned = (a.linked_observations || []).filter((oid) => !held.has(oid) && handed[oid]).map((oid) => handed[oid]);
  const classes = [...local.map((r) => summarize(r, teacherName, me)), ...scanned]
    .sort((x, y) => x.start.localeCompare(y.start));
  const school = schools.find((s) => s.code === a.school);
  render(entry(reflection, classes, teacherName), school ? school.name : a.school);
  applyDigits($('notebook'), document.body.dataset.digits || 'thai');
  $('notebook').hidden = false;
  document.body.dataset.ready = 'true';
}

$('notebook-print').addEventListener('click', () => window.print());

/** @type {AbortController|null} */
let scanning = null;
$('notebook-scan').addEventListener('click', async () => {
  const id = new URLSearchParams(location.search).get('reflection') || '';
  const { scan, keep } = await import('./handover.js');
  scanning?.abort();
  scanning = new AbortController();
  $('scan-box').hidden = false;
  $('scan-problem').hidden = true;
  const progress = $('scan-progress');
  try {
    const summaries = await scan(/** @type {HTMLVideoElement} */ ($('scan-video')), scanning.signal, (news) => {
      if ('foreign' in news) $('scan-problem').hidden = false;
      else [progress.hidden, progress.textContent] = [false, `${progress.dataset.text} ${news.got}/${news.count}`];
    });
    for (const summary of summaries) await keep(summary, id);
    const done = $('scan-done');
    done.textContent = `${done.dataset.doneText} ${summaries.map((s) => `${s.teacher} (${s.observer})`).join(', ')}`;
    done.hidden = false;
    done.dataset.linked = summaries.map((s) => s.id).join(' ');
    await main();
  } catch (err) {
    if (/** @type {Error} */ (err).name !== 'AbortError') $('scan-status').textContent = String(err);
  }
});
$('scan-stop').addEventListener('click', () => { scanning?.abort(); $('scan-box').hidden = true; });
main();
