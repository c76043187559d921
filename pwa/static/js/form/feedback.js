// The feedback summary on the form: derived scores (derive.js) with their bands, per pupil, and the counts
// of pupils by grade with each flag.
import { bandOf, derive, flagCounts } from '../derive.js';
import { t } from '../i18n.js';
import { todayIso } from '../thaidate.js';
import { walk } from '../validate.js';
import { form, formEl } from './page.js';

/** @param {any} d @param {any} value */
function formatValue(d, value) {
  if (value === null || value === undefined) return '–';
  if (d.format === 'flag') return value ? t('Yes') : t('No');
  const text = typeof value === 'number' ? value.toLocaleString('th-TH', { maximumFractionDigits: 2 }) : String(value);
  return d.format === 'percent' ? `${text}%` : text;
}

/** The feedback boxes: derived scores with their bands, per pupil, and the class counts.
 * @param {Record<string, any>} answers */
export function showFeedback(answers) {
  const boxes = /** @type {NodeListOf<HTMLElement>} */ (formEl.querySelectorAll('[data-feedback]'));
  if (!boxes.length || !(form.derived || []).length) return;
  const values = derive(form, answers, { today: todayIso() });
  const lang = document.documentElement.lang;
  const label = (l) => (lang === 'en' && l.en ? l.en : l.th);
  for (const box of boxes) {
    const wanted = box.dataset.feedback.split(' ').filter(Boolean);
    const list = form.derived.filter((d) => !wanted.length || wanted.includes(d.name));
    const dl = document.createElement('dl');
    dl.className = 'facts feedback-list';
    const perItem = list.filter((d) => d.per_item);
    for (const d of list.filter((x) => !x.per_item)) {
      const band = bandOf(form, d, values[d.name]);
      const dt = document.createElement('dt');
      dt.textContent = label(d.label);
      const dd = document.createElement('dd');
      dd.dataset.derived = d.name;
      dd.textContent = formatValue(d, values[d.name]) + (band ? ` · ${label(band)}` : '');
      dl.append(dt, dd);
    }
    /** @type {HTMLElement[]} */
    const parts = [dl];
    if (perItem.length) {
      const rep = perItem[0].per_item;
      const items = answers[rep] || [];
      const table = document.createElement('table');
      table.className = 'feedback-table';
      const head = table.createTHead().insertRow();
      for (const text of ['#', ...perItem.map((d) => label(d.label))]) {
        const th = document.createElement('th');
        th.textContent = text;
        head.append(th);
      }
      const body = table.createTBody();
      items.forEach((item, i) => {
        const row = body.insertRow();
        row.insertCell().textContent = item.pupil_code || String(i + 1);
        for (const d of perItem) {
          const v = values[d.name][i];
          const band = bandOf(form, d, v);
          const cell = row.insertCell();
          cell.dataset.derived = d.name;
          cell.textContent = formatValue(d, v) + (band ? ` · ${label(band)}` : '');
        }
      });
      parts.push(table);
    }
    if (box.dataset.countBy) parts.push(countsTable(answers, box.dataset.countBy, label));
    box.replaceChildren(...parts);
  }
}

/** The class counts: per value of `by` (a pupil's grade), the pupils and how many have each flag set. */
/** @param {any} answers @param {string} by @param {(l: any) => string} label */
function countsTable(answers, by, label) {
  const counts = flagCounts(form, answers, by);
  const flags = form.derived.filter((d) => d.per_item && d.format === 'flag');
  const byField = walk(form).find((f) => f.name === by);
  const choices = (form.choices || {})[byField?.choices] || [];
  const table = document.createElement('table');
  table.className = 'feedback-table';
  table.dataset.counts = by;
  table.createCaption().textContent = t('Pupils by grade');
  const head = table.createTHead().insertRow();
  for (const text of [byField ? label(byField.label) : by, ...flags.map((d) => label(d.label))]) {
    head.append(Object.assign(document.createElement('th'), { textContent: text }));
  }
  const body = table.createTBody();
  for (const [value, row] of Object.entries(counts)) {
    const tr = body.insertRow();
    tr.dataset.value = value;
    const name = choices.find((c) => c.value === value);
    tr.insertCell().textContent = `${name ? label(name.label) : value}: ${row.items}`;
    for (const d of flags) Object.assign(tr.insertCell(), { textContent: String(row[d.name]) }).dataset.flag = d.name;
  }
  return table;
}
