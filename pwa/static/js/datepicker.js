// The Buddhist Era date picker of every date field: a text box that takes a typed date (30/11/2569,
// 30 พ.ย. 2569, ISO…; thaidate.parseDate) beside day, month-name and BE-year lists. The box keeps the text;
// the form reads it as ISO (form.js read), so a date that cannot be read stays visible and is flagged.
import { MONTHS, numericBe, parseDate } from './thaidate.js';

const YEARS_BACK = 3;
const YEARS_AHEAD = 2;

/** Wire one `[data-widget=be_date]`: its `input[data-type=date]` and `select[data-be-part]` lists.
 * @param {HTMLElement} widget */
export function setupBeDate(widget) {
  const input = /** @type {HTMLInputElement} */ (widget.querySelector('input[data-type=date]'));
  const part = (/** @type {string} */ name) => /** @type {HTMLSelectElement} */ (widget.querySelector(`[data-be-part=${name}]`));
  const [day, month, year] = [part('day'), part('month'), part('year')];
  const thisYear = new Date().getFullYear() + 543;
  day.replaceChildren(new Option('–', ''), ...Array.from({ length: 31 }, (_, i) => new Option(String(i + 1), String(i + 1))));
  month.replaceChildren(new Option('–', ''), ...MONTHS.map((name, i) => new Option(name, String(i + 1))));
  const years = (/** @type {number} */ extra) => {
    const list = new Set(Array.from({ length: YEARS_BACK + YEARS_AHEAD + 1 }, (_, i) => thisYear - YEARS_BACK + i));
    if (extra) list.add(extra);
    year.replaceChildren(new Option('–', ''), ...[...list].sort().map((y) => new Option(String(y), String(y))));
  };
  years(0);
  /** The lists follow the box. */
  const show = () => {
    const iso = parseDate(input.value);
    if (!iso) {
      if (!input.value.trim()) day.value = month.value = year.value = '';
      return;
    }
    const [y, m, d] = iso.split('-').map(Number);
    if (![...year.options].some((o) => o.value === String(y + 543))) years(y + 543);
    day.value = String(d);
    month.value = String(m);
    year.value = String(y + 543);
  };
  /** The box follows the lists, once all three are chosen (a day past the month's end becomes its last). */
  const pick = () => {
    if (!day.value || !month.value || !year.value) return;
    const ce = Number(year.value) - 543;
    const last = new Date(Date.UTC(ce, Number(month.value), 0)).getUTCDate();
    if (Number(day.value) > last) day.value = String(last);
    input.value = numericBe(`${ce}-${month.value.padStart(2, '0')}-${day.value.padStart(2, '0')}`);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  for (const select of [day, month, year]) {
    select.addEventListener('change', (event) => { event.stopPropagation(); pick(); });
  }
  input.addEventListener('input', show);
  input.addEventListener('nithet:value', show);
  input.addEventListener('change', () => {
    const iso = parseDate(input.value);
    if (iso && input.value !== numericBe(iso)) input.value = numericBe(iso);
  });
  const iso = parseDate(input.value);
  if (iso) input.value = numericBe(iso);
  show();
}

/** Every date picker under `root` not yet wired (pages without a record form: the plan form).
 * @param {ParentNode} root */
export function setupBeDates(root) {
  for (const widget of root.querySelectorAll('[data-widget=be_date]')) {
    const el = /** @type {HTMLElement} */ (widget);
    if (el.dataset.ready) continue;
    el.dataset.ready = 'true';
    setupBeDate(el);
  }
}
