// Buddhist Era dates on screen: Intl's th-TH locale uses the Buddhist calendar.

/** @param {string|undefined|null} iso  YYYY-MM-DD or a full ISO timestamp */
function toDate(iso) {
  if (!iso) return null;
  const d = iso.length === 10 ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** @param {string|undefined|null} iso @param {'full'|'long'|'medium'|'short'} style */
export function beDate(iso, style = 'long') {
  const d = toDate(iso);
  return d ? new Intl.DateTimeFormat('th-TH', { dateStyle: style }).format(d) : '';
}

/** @param {string|undefined|null} iso */
export function beDateTime(iso) {
  const d = toDate(iso);
  return d ? new Intl.DateTimeFormat('th-TH', { dateStyle: 'medium', timeStyle: 'short' }).format(d) : '';
}

/** Today as YYYY-MM-DD in the tablet's own time zone. */
export function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const MONTHS = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม',
  'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
const MONTHS_SHORT = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
const MONTH_NUMBER = new Map([...MONTHS, ...MONTHS_SHORT].map((name, i) => [name, (i % 12) + 1]));
const pad2 = (/** @type {number} */ n) => String(n).padStart(2, '0');

/** An ISO date (YYYY-MM-DD) from its parts, or null when there is no such day. */
function isoOf(/** @type {number} */ year, /** @type {number} */ month, /** @type {number} */ day) {
  const d = new Date(Date.UTC(year, month - 1, day));
  const iso = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  return year > 0 && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * A typed date as ISO 8601, or null: `30/11/2569`, `30 พ.ย. 2569`, `30/11/69` (day, month, BE year; a year
 * under 2400 is CE), ISO `2026-11-30`, Thai digits too — the same cases as server/thaidate.py
 * (forms/vectors/be_dates.json). @param {string} text @returns {?string}
 */
export function parseDate(text) {
  const value = String(text ?? '').replace(/[๐-๙]/g, (c) => String(c.charCodeAt(0) - 0x0e50)).trim().split(/\s+/).join(' ');
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (iso) return isoOf(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const m = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$/.exec(value) || /^(\d{1,2}) (\S+) (\d{2}|\d{4})$/.exec(value);
  if (!m) return null;
  const month = /^\d+$/.test(m[2]) ? Number(m[2]) : MONTH_NUMBER.get(m[2]) || 0;
  let year = Number(m[3]) + (m[3].length === 2 ? 2500 : 0);
  if (year >= 2400) year -= 543;
  return isoOf(year, month, Number(m[1]));
}

/** An ISO date written back for typing: `30/11/2569` (day/month/BE year). @param {string} iso */
export function numericBe(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${pad2(d)}/${pad2(m)}/${y + 543}`;
}
