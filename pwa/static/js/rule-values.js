// The rule language's values (rules.js): truthiness, numbers, dates as days, text by code points,
// comparison and arithmetic as forms/rules.py does them. Evaluation never throws on data: bad data is null.

const NUMERIC = /^[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[ \t\r\n]*$/;
const SPACES = /[ \t\r\n]+/;
export const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})/;
const TIME = /^([0-9]{1,2}):([0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?$/;

const isNum = (/** @type {any} */ v) => typeof v === 'number';
export const isObject = (/** @type {any} */ v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isEmpty = (/** @type {any} */ v) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
export const finite = (/** @type {number} */ x) => (Number.isFinite(x) ? x : null);

/** Rule truthiness: null, '', [], 0 and false are false; everything else is true. @param {any} v */
export function truthy(v) {
  if (v === null || v === undefined || v === false) return false;
  if (isNum(v)) return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  return true;
}

/** Numbers, booleans (1/0) and numeric strings as a number; otherwise null.
 * @param {any} v @returns {number|null} */
export function num(v) {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNum(v)) return finite(v);
  if (typeof v === 'string' && NUMERIC.test(v)) return finite(Number(v));
  if (typeof v === 'string' && v.length === 10) return days(v);
  return null;
}

/** A date as days since 1970-01-01 (ODK's number of a date); null for an impossible date.
 * @param {string} text @returns {number|null} */
export function days(text) {
  const m = DATE.exec(text);
  if (!m || m[1] === '0000') return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? Math.round(t.getTime() / 86400000) : null;
}

/** null -> '', lists joined by spaces (select_multiple), objects and non-finite numbers -> ''.
 * @param {any} v @returns {string} */
export function str(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (isNum(v)) return Number.isFinite(v) ? String(v) : '';
  if (Array.isArray(v)) return v.map(str).join(' ');
  return '';
}

/** Compare by code points, as Python does (JS `<` compares UTF-16 units).
 * @param {string} a @param {string} b */
function cmpStr(a, b) {
  if (a === b) return 0;
  const x = [...a], y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
  }
  return x.length - y.length;
}

/** @param {any[]} values @param {any[]} out @returns {any[]} non-empty leaves of nested lists */
export function flatten(values, out = []) {
  for (const v of values) {
    if (Array.isArray(v)) flatten(v, out);
    else if (!isEmpty(v)) out.push(v);
  }
  return out;
}

/** @param {any[]} values @returns {number[]} */
export const numbers = (values) => /** @type {number[]} */ (flatten(values).map(num).filter((n) => n !== null));
export const total = (/** @type {number[]} */ ns) => finite(ns.reduce((t, n) => t + n, 0));
export const words = (/** @type {string} */ s) => s.split(SPACES).filter(Boolean);

/** @param {string} op @param {any} a @param {any} b @returns {boolean} */
export function compare(op, a, b) {
  const ea = isEmpty(a), eb = isEmpty(b);
  if (ea || eb) return op === '=' ? ea && eb : op === '!=' && !(ea && eb);
  let c;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    c = Number(truthy(a)) - Number(truthy(b));
  } else {
    const na = isNum(a) || isNum(b) ? num(a) : null, nb = na === null ? null : num(b);
    c = na !== null && nb !== null ? Math.sign(na - nb) : cmpStr(str(a), str(b));
  }
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

/** @param {string} op @param {any} a @param {any} b @returns {number|null} */
export function arith(op, a, b) {
  const x = num(a), y = num(b);
  if (x === null || y === null) return null;
  if (op === '+') return finite(x + y);
  if (op === '-') return finite(x - y);
  if (op === '*') return finite(x * y);
  if (y === 0) return null;
  return finite(op === 'mod' ? x % y : x / y);
}

/** @param {number} x */
export function roundHalfAway(x) {
  let r = Math.trunc(x);
  if (Math.abs(x - r) >= 0.5) r += Math.sign(x);
  return r;
}

/** @param {any} v @returns {number|null} minutes since midnight of 'HH:MM' */
export function minutesOf(v) {
  const m = typeof v === 'string' ? TIME.exec(v) : null;
  if (!m) return null;
  const h = Number(m[1]), mi = Number(m[2]);
  return h < 24 && mi < 60 ? h * 60 + mi : null;
}

/** @type {Map<string, RegExp|null>} */
const regexCache = new Map();
/** @param {string} pattern */
export function wholeRegex(pattern) {
  if (!regexCache.has(pattern)) {
    let re = null;
    try { re = new RegExp(`^(?:${pattern})$`); } catch { re = null; }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return /** @type {RegExp|null} */ (regexCache.get(pattern));
}

export function localToday() {
  const d = new Date();
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}
