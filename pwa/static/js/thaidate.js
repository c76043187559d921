// Buddhist Era dates on screen: Intl's th-TH locale uses the Buddhist calendar.

/** @param {string|undefined|null} iso  YYYY-MM-DD or a full ISO timestamp */
function toDate(iso) {
  if (!iso) return null;
  const d = iso.length === 10 ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** @param {string|undefined|null} iso @param {'long'|'medium'|'short'} style */
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
