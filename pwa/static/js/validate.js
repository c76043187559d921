// Validation of an answer set against a form definition: the same checks as forms/validate.py, so what
// the tablet accepts offline is what the server accepts. Pure functions, no DOM.
import { N_ } from './i18n.js';
import { limits } from './limits.js';
import { compileRule, truthy } from './rules.js';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NO_ANSWER = new Set(['note', 'group', 'feedback']);
const YES_NO = ['yes', 'no'];
export const OFF_TASK = ['0-1', '2-5', '6+'];
const SHA256 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/;
const PHOTO_KEYS = ['sha256', 'type', 'bytes', 'width', 'height'];
const CONFIRMATION_KEYS = ['name', 'at'];
const SNAPSHOT_KEYS = ['at', 'activity', 'off_task'];
const GRID_KEYS = ['wrong', 'attempted', 'seconds', 'stopped_early'];
export const DEFAULT_EVIDENCE_RULE = '. <= 2 or . = 5';

/** What each problem code of validate() says on the form (message ids, see i18n.js). @type {Record<string, string>} */
export const PROBLEM_TEXTS = {
  required: N_('This answer is required'),
  constraint: N_('This answer is not allowed'),
  type: N_('This answer has the wrong type'),
  range: N_('This answer is out of range'),
  choice: N_('Choose one of the options'),
  too_long: N_('This answer is too long'),
  evidence_required: N_('Evidence is required for this score'),
  not_relevant: N_('This answer should be empty'),
  unknown_field: N_('Unknown answer'),
  calculation: N_('The calculated value does not match'),
  items: N_('Wrong number of items'),
  photo: N_('This photo answer is not valid; take the photo again'),
  photo_too_large: N_('This photo is too large'),
  confirmation: N_('Type your name and tick to confirm'),
  snapshots: N_('The snapshots are not complete or not in order'),
  grid: N_('The reading grid result is not valid; start the grid again'),
};

export const isEmpty = (v) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

const evaluate = (source, answers, opts) => compileRule(source).evaluate(answers, opts);
export const evidenceName = (field) => `${field.name}_evidence`;

export function choiceList(form, field) {
  if (field.kind === 'yes_no') return YES_NO.map((value) => ({ value }));
  return (form.choices || {})[field.choices || ''] || [];
}

/** Every field, depth first, containers before their contents. */
export function walk(form) {
  const out = [];
  const visit = (fields) => { for (const f of fields || []) { out.push(f); visit(f.fields); } };
  for (const s of form.sections) visit(s.fields);
  return out;
}

export function allowedKeys(fields) {
  const keys = new Set();
  for (const f of fields) {
    if (f.kind === 'group') for (const k of allowedKeys(f.fields || [])) keys.add(k);
    else if (!NO_ANSWER.has(f.kind)) {
      keys.add(f.name);
      if (f.kind === 'rating') keys.add(evidenceName(f));
    }
  }
  return keys;
}

/** Is `field` asked, given the answers (and the repeat item it is in)? */
export function isRelevant(field, answers, item = null, today = undefined) {
  return !field.relevant || truthy(evaluate(field.relevant, answers, { item, today }));
}

export function isRequired(field, answers, item = null, today = undefined) {
  return Boolean(field.required) ||
    (Boolean(field.required_if) && truthy(evaluate(field.required_if, answers, { item, today })));
}

export function evidenceRequired(field, answers, value, item = null, today = undefined) {
  const rule = field.evidence_if === undefined ? DEFAULT_EVIDENCE_RULE : field.evidence_if;
  return Boolean(rule) && !isEmpty(value) && truthy(evaluate(rule, answers, { current: value, item, today }));
}

const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
const range = (v, lo, hi) => (Math.abs(v) > Number.MAX_SAFE_INTEGER || (lo != null && v < lo) || (hi != null && v > hi) ? 'range' : null);

function checkValue(form, field, value) {
  const k = field.kind;
  if (['text', 'textarea', 'school', 'teacher'].includes(k)) {
    if (typeof value !== 'string') return 'type';
    const limit = field.max_length || limits().text[k] || limits().text_default;
    return [...value].length > limit ? 'too_long' : null;
  }
  if (k === 'integer' || k === 'rating') {
    if (!isInt(value)) return 'type';
    return k === 'integer' ? range(value, field.minimum, field.maximum) : range(value, ...limits().rating);
  }
  if (k === 'decimal') return typeof value === 'number' && Number.isFinite(value) ? range(value, field.minimum, field.maximum) : 'type';
  if (k === 'date') {
    if (typeof value !== 'string' || !DATE.test(value)) return 'type';
    const d = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value ? null : 'type';
  }
  if (k === 'time') return typeof value === 'string' && TIME.test(value) ? null : 'type';
  if (k === 'select_one' || k === 'yes_no') {
    return typeof value === 'string' && choiceList(form, field).some((c) => c.value === value) ? null : 'choice';
  }
  if (k === 'select_many') {
    const values = new Set(choiceList(form, field).map((c) => c.value));
    const ok = Array.isArray(value) && value.every((v) => typeof v === 'string' && values.has(v));
    return ok && new Set(value).size === value.length ? null : 'choice';
  }
  if (k === 'meta') return typeof value === 'string' && [...value].length <= 200 ? null : 'type';
  if (k === 'calculate') return ['string', 'number'].includes(typeof value) ? null : 'type';
  if (k === 'photo') return checkPhoto(value);
  if (k === 'confirmation') {
    const ok = isObject(value, CONFIRMATION_KEYS) && typeof value.name === 'string' &&
      value.name.trim().length > 0 && [...value.name].length <= 200;
    return ok && typeof value.at === 'string' && DATETIME.test(value.at) ? null : 'confirmation';
  }
  if (k === 'snapshots') return checkSnapshots(field, value);
  if (k === 'reading_grid') return checkGrid(field, value);
  if (k === 'observation') {
    const ok = Array.isArray(value) && value.length <= limits().linked_max &&
      value.every((v) => typeof v === 'string' && UUID.test(v)) && new Set(value).size === value.length;
    return ok ? null : 'type';
  }
  return k === 'group' || k === 'repeat' ? 'type' : null;
}

/** An object with exactly these keys. */
function isObject(value, keys) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const have = Object.keys(value);
  return have.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

/** A photo answer points at a blob by its SHA-256; the blob itself is uploaded separately. */
function checkPhoto(value) {
  if (!isObject(value, PHOTO_KEYS)) return 'photo';
  const ok = typeof value.sha256 === 'string' && SHA256.test(value.sha256) && limits().photo_types.includes(value.type);
  if (!ok || ![value.bytes, value.width, value.height].every((v) => isInt(v) && v >= 1)) return 'photo';
  const { photo_max_bytes: maxBytes, photo_max_side: maxSide } = limits();
  return value.bytes > maxBytes || Math.max(value.width, value.height) > maxSide ? 'photo_too_large' : null;
}

function checkSnapshots(field, value) {
  if (!Array.isArray(value) || value.length > (field.count ?? 6)) return 'snapshots';
  const times = [];
  for (const e of value) {
    if (!isObject(e, SNAPSHOT_KEYS) || typeof e.at !== 'string' || !TIME.test(e.at)) return 'snapshots';
    if (!YES_NO.includes(e.activity) || !OFF_TASK.includes(e.off_task)) return 'snapshots';
    times.push(e.at);
  }
  return times.every((t, i) => i === 0 || times[i - 1] <= t) ? null : 'snapshots';
}

/** The 60-second grid: words tapped wrong (indices, row by row), how far the pupil read, the seconds
 * used, and whether it stopped early (allowed only when the whole first row is wrong). */
function checkGrid(field, value) {
  if (!isObject(value, GRID_KEYS)) return 'grid';
  const words = field.words || [];
  const total = words.reduce((n, row) => n + row.length, 0);
  const { wrong, attempted, seconds } = value;
  if (!(isInt(attempted) && attempted >= 0 && attempted <= total && isInt(seconds) && seconds >= 0 &&
    seconds <= (field.seconds ?? 60))) return 'grid';
  if (typeof value.stopped_early !== 'boolean' || !Array.isArray(wrong)) return 'grid';
  if (!wrong.every((i) => isInt(i) && i >= 0 && i < attempted)) return 'grid';
  if (!wrong.every((i, n) => n === 0 || wrong[n - 1] < i)) return 'grid';
  const firstRow = words.length ? words[0].length : 0;
  for (let i = 0; value.stopped_early && i < firstRow; i++) if (!wrong.includes(i)) return 'grid';
  return null;
}

const same = (a, b) =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-6 : a === b || (isEmpty(a) && isEmpty(b));

/** @param {any} form @param {any} answers @param {{today?: string}} [options]
 * @returns {{field: string, code: string, detail?: string}[]} */
export function validate(form, answers, { today } = {}) {
  const problems = [];
  const top = form.sections.flatMap((s) => s.fields);
  checkFields(form, top, answers, answers, null, '', true, problems, today);
  return problems;
}

function checkFields(form, fields, answers, scope, item, prefix, parentRelevant, problems, today, topOfScope = true) {
  if (topOfScope) { // a group shares its parent's scope: its parent checks the keys
    const allowed = allowedKeys(fields);
    for (const key of Object.keys(scope).sort()) if (!allowed.has(key)) problems.push({ field: prefix + key, code: 'unknown_field' });
  }
  for (const field of fields) {
    const path = prefix + field.name;
    const relevant = parentRelevant && isRelevant(field, answers, item, today);
    if (field.kind === 'group') {
      checkFields(form, field.fields, answers, scope, item, prefix, relevant, problems, today, false);
      continue;
    }
    if (field.kind === 'note') continue;
    const value = scope[field.name];
    if (!relevant) {
      if (!isEmpty(value) || (field.kind === 'rating' && !isEmpty(scope[evidenceName(field)]))) {
        problems.push({ field: path, code: 'not_relevant' });
      }
      continue;
    }
    if (field.kind === 'repeat') {
      checkRepeat(form, field, answers, value, path, problems, today, item);
      continue;
    }
    if (isEmpty(value)) {
      if (isRequired(field, answers, item, today)) problems.push({ field: path, code: 'required' });
      continue;
    }
    let problem = checkValue(form, field, value);
    if (!problem && field.choice_filter) {
      const values = new Set(offered(form, field, answers, item, today).map((c) => c.value));
      problem = (Array.isArray(value) ? value : [value]).every((v) => values.has(v)) ? null : 'choice';
    }
    if (problem) {
      problems.push({ field: path, code: problem });
      continue;
    }
    if (field.kind === 'calculate' && field.calculate) {
      const expected = evaluate(field.calculate, answers, { item, today });
      if (!same(value, expected)) problems.push({ field: path, code: 'calculation' });
    }
    if (field.constraint && !truthy(evaluate(field.constraint, answers, { current: value, item, today }))) {
      problems.push({ field: path, code: 'constraint' });
    }
    if (field.kind === 'rating') {
      const evidence = scope[evidenceName(field)];
      if (evidenceRequired(field, answers, value, item, today) && (typeof evidence !== 'string' || !evidence.trim())) {
        problems.push({ field: prefix + evidenceName(field), code: 'evidence_required' });
      }
      if (evidence !== undefined && evidence !== null && typeof evidence !== 'string') {
        problems.push({ field: prefix + evidenceName(field), code: 'type' });
      }
    }
  }
}

function checkRepeat(form, field, answers, value, path, problems, today, outer = null) {
  const items = value ?? [];
  if (!Array.isArray(items) || !items.every((i) => i && typeof i === 'object' && !Array.isArray(i))) {
    problems.push({ field: path, code: 'type' });
    return;
  }
  const min = field.min_items || 0;
  const wanted = repeatCount(field, answers, outer, today);
  if (items.length < min || (field.max_items != null && items.length > field.max_items) ||
    (wanted !== null && items.length !== wanted)) {
    problems.push({ field: path, code: 'items' });
  }
  items.forEach((entry, i) => checkFields(form, field.fields, answers, entry, { ...(outer || {}), ...itemScope(field.fields, entry) }, `${path}[${i}].`, true, problems, today));
}

/** The number of items a repeat must have (XLSForm repeat_count): 0 when the rule has no value. */
export function repeatCount(field, answers, item = null, today = undefined) {
  if (!field.repeat_count) return null;
  const n = evaluate(field.repeat_count, answers, { item, today });
  return typeof n === 'number' && Number.isInteger(n) ? Math.max(0, Math.min(n, 1000)) : 0;
}

/** The choices a select offers: all of them, or those its choice filter keeps. */
export function offered(form, field, answers, item = null, today = undefined) {
  const choices = choiceList(form, field);
  if (!field.choice_filter) return choices;
  const rule = compileRule(field.choice_filter, { choice: true });
  return choices.filter((c) => truthy(rule.evaluate(answers, { item, today, choice: { ...(c.columns || {}), name: c.value } })));
}

/** The scope rules see inside a repeat item: every field of the item, empty ones as null, so that
 * `${x}` in an item never falls through to the list of `x` across the other items. */
export function itemScope(fields, entry) {
  const scope = {};
  for (const key of allowedKeys(fields)) scope[key] = null;
  return Object.assign(scope, entry);
}
