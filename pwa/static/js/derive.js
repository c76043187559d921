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
  const target = lookup(d.field, answers, item);
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
  const field = fieldNamed(form, d.field || '');
  const total = field ? field.words.reduce((n, row) => n + row.length, 0) : 0;
  return total ? round1((correct * 100) / total) : null;
}

/** Every derived score of `form`: a value (number, flag or null), or a list of them per repeat item. */
export function derive(form, answers, { today } = {}) {
  const out = {};
  for (const d of form.derived || []) {
    if (d.per_item != null) {
      const items = answers[d.per_item];
      const inner = fieldNamed(form, d.per_item)?.fields || [];
      out[d.name] = (Array.isArray(items) ? items.filter(isMap) : []).map((item) => deriveOne(form, d, answers, itemScope(inner, item), today));
    } else {
      out[d.name] = deriveOne(form, d, answers, null, today);
    }
  }
  return out;
}

/** The band a value falls in: the first step (highest first) whose `min` it reaches; a {th, en} label. */
export function bandOf(form, d, value) {
  if (d.bands == null || typeof value !== 'number') return null;
  return ((form.bands || {})[d.bands] || []).find((step) => value >= step.min)?.label ?? null;
}
