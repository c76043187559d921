// Derived scores on the tablet: a twin of forms/derive.py (both run the `derive` expectations in
// forms/vectors/validation.json). Never stored in the record; shown live as the feedback summary.
import { compileRule, truthy } from './rules.js';
import { itemScope } from './validate.js';

const round1 = (x) => Math.floor(x * 10 + 0.5) / 10;
const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function lookup(name, answers, item) {
  if (name == null) return null;
  if (item && Object.hasOwn(item, name)) return item[name];
  return answers[name] ?? null;
}

/** [correct, attempted, seconds] of a reading-grid answer, or null. */
function grid(value) {
  if (!isMap(value) || !Array.isArray(value.wrong) || !isInt(value.attempted) || !isInt(value.seconds)) return null;
  return [value.attempted - value.wrong.length, value.attempted, value.seconds];
}

const fieldNamed = (form, name) => {
  const visit = (fields) => {
    for (const f of fields || []) {
      if (f.name === name) return f;
      const inner = visit(f.fields);
      if (inner) return inner;
    }
    return null;
  };
  for (const s of form.sections) {
    const f = visit(s.fields);
    if (f) return f;
  }
  return null;
};

export function deriveOne(form, d, answers, item = null, today = undefined) {
  if (d.rule != null) {
    const value = compileRule(d.rule).evaluate(answers, { item, today });
    if (d.format === 'flag') return truthy(value);
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
  let name = d.field || '';
  if (d.fields && d.fields.length) name = d.fields.find((n) => grid(lookup(n, answers, item))) ?? d.fields[0];
  const target = lookup(name, answers, item);
  if (d.function === 'share') {
    const entries = Array.isArray(target) ? target.filter(isMap) : [];
    if (!entries.length) return null;
    const hits = entries.filter((e) => e[d.key || ''] === d.equals).length;
    return round1((hits * 100) / entries.length);
  }
  const g = grid(target);
  if (!g) return null;
  const [correct, , seconds] = g;
  if (d.function === 'cwpm') return seconds > 0 ? round1((correct * 60) / seconds) : null;
  const field = fieldNamed(form, name);
  const total = field ? field.words.reduce((n, row) => n + row.length, 0) : 0;
  return total ? round1((correct * 100) / total) : null;
}

/**
 * Every derived score of `form`: a value (number, flag or null), or a list of them per repeat item.
 * Computed in order; a rule sees the scores before it as `${name}` (per-item ones: the same item's).
 */
/** @param {any} form @param {any} answers @param {{today?: string}} [options] */
export function derive(form, answers, { today } = {}) {
  const out = {};
  const scope = { ...answers };
  /** @type {Record<string, object[]>} each repeat's item scopes, gaining the item's scores */
  const items = {};
  for (const d of form.derived || []) {
    if (d.per_item != null) {
      if (!items[d.per_item]) {
        const raw = answers[d.per_item];
        const inner = fieldNamed(form, d.per_item)?.fields || [];
        items[d.per_item] = (Array.isArray(raw) ? raw.filter(isMap) : []).map((item) => itemScope(inner, item));
      }
      out[d.name] = items[d.per_item].map((item) => deriveOne(form, d, scope, item, today));
      items[d.per_item].forEach((item, i) => { item[d.name] = out[d.name][i]; });
    } else {
      out[d.name] = scope[d.name] = deriveOne(form, d, scope, null, today);
    }
  }
  return out;
}

/**
 * Per value of the item field `by` (a pupil's grade): how many items, and how many have each per-item
 * flag score set (cannot read, …): the class counts of a record, twin of forms/derive.py flag_counts.
 * @returns {Record<string, Record<string, number>>}
 */
export function flagCounts(form, answers, by) {
  const values = derive(form, answers);
  const byField = fieldNamed(form, by);
  const walk = (fields) => (fields || []).flatMap((f) => [f, ...walk(f.fields)]);
  const repeat = walk(form.sections.flatMap((s) => s.fields)).find((f) => f.kind === 'repeat' && (f.fields || []).includes(byField));
  const flags = (form.derived || []).filter((d) => repeat && d.per_item === repeat.name && d.format === 'flag');
  /** @type {Record<string, Record<string, number>>} */
  const out = {};
  const raw = repeat ? answers[repeat.name] : null;
  (Array.isArray(raw) ? raw.filter(isMap) : []).forEach((item, i) => {
    const key = item[by];
    if (typeof key !== 'string') return;
    const row = out[key] ?? (out[key] = Object.fromEntries([['items', 0], ...flags.map((d) => [d.name, 0])]));
    row.items += 1;
    for (const d of flags) row[d.name] += values[d.name][i] ? 1 : 0;
  });
  return out;
}

/** The band a value falls in: the first step (highest first) whose `min` it reaches; a {th, en} label. */
export function bandOf(form, d, value) {
  if (d.bands == null || typeof value !== 'number') return null;
  return ((form.bands || {})[d.bands] || []).find((step) => value >= step.min)?.label ?? null;
}
