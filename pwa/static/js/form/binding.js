// Answers ↔ controls: read an answer from its controls and write one back, collect the whole page into
// answers (relevance, calculations, meta fields), and fill the page from a record.
import { compileRule } from '../rules.js';
import { cleanText } from '../text.js';
import { numericBe, parseDate, todayIso } from '../thaidate.js';
import { evidenceName, isEmpty, isRelevant, itemScope, repeatCount } from '../validate.js';
import { page, form, formEl, topFields } from './page.js';
import { paintAnswers, filterChoices } from './paint.js';
import { itemCount, setItemCount } from './repeats.js';

/** The wrapper of a field's controls. @param {string} key */
export const wrapper = (key) => /** @type {HTMLElement | null} */ (formEl.querySelector(`[data-field="${CSS.escape(key)}"]`));

/** The controls of one answer by its DOM key (`notes`, `pupils.2.name`), found by name, not by a scan.
 * @param {string} key @returns {any[]} */
export function inputs(key) {
  const found = formEl.elements.namedItem(key);
  if (!found) return [];
  const list = found instanceof RadioNodeList ? [...found] : [found];
  return list.filter((e) => /** @type {any} */ (e).name === key);
}

/** A validation path (`pupils[2].sex`) as the DOM key of its control (`pupils.2.sex`). @param {string} path */
export const keyOf = (path) => path.replace(/\[(\d+)\]\./g, '.$1.').replace(/\[(\d+)\]$/, '.$1');

/** Read one answer from the page by its DOM key, typed as the controls say. @param {string} key @returns {any} */
export function read(key) {
  const els = inputs(key);
  if (!els.length) return null;
  const first = els[0];
  if (first.dataset.json !== undefined) return first.value ? JSON.parse(first.value) : null;
  if (first.type === 'radio') {
    const checked = els.find((e) => e.checked);
    if (!checked) return null;
    return first.dataset.type === 'int' ? Number(checked.value) : checked.value;
  }
  if (first.type === 'checkbox') return els.filter((e) => e.checked).map((e) => e.value);
  const raw = first.value.trim() === '' ? null : first.value;
  if (raw === null) return null;
  if (first.dataset.type === 'date') return parseDate(raw) ?? raw; // unreadable text stays, and is flagged
  if (first.dataset.type === 'int') return Number.isInteger(Number(raw)) ? Number(raw) : raw;
  if (first.dataset.type === 'float') return Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return first.tagName === 'TEXTAREA' || first.type === 'text' ? cleanText(first.value) : raw;
}

/** @param {string} key @param {any} value */
export function write(key, value) {
  for (const el of inputs(key)) {
    if (el.dataset.json !== undefined) {
      el.value = isEmpty(value) ? '' : JSON.stringify(value);
      el.dispatchEvent(new Event('nithet:value'));
    } else if (el.type === 'radio') el.checked = value !== null && value !== undefined && String(value) === el.value;
    else if (el.type === 'checkbox') el.checked = Array.isArray(value) && value.includes(el.value);
    else if (el.tagName === 'OUTPUT') el.textContent = isEmpty(value) ? '–' : String(value);
    else if (el.dataset.type === 'date') {
      el.value = typeof value === 'string' && parseDate(value) === value ? numericBe(value) : value ?? '';
      el.dispatchEvent(new Event('nithet:value'));
    } else el.value = value ?? '';
  }
}

/** Put one typed answer at its DOM key into the answers; false when the answers do not have the place for
 * it yet (then the whole page is collected). @param {any} answers @param {string} key @param {any} value */
export function putAnswer(answers, key, value) {
  const path = key.split('.');
  let box = answers;
  for (let i = 0; i < path.length - 1; i++) {
    box = box?.[/^\d+$/.test(path[i]) ? Number(path[i]) : path[i]];
    if (!box || typeof box !== 'object') return false;
  }
  const last = path[path.length - 1];
  if (isEmpty(value)) delete box[last];
  else box[last] = value;
  return true;
}

const deviceId = () => {
  let id = localStorage.getItem('nithet-device-id');
  if (!id) localStorage.setItem('nithet-device-id', (id = crypto.randomUUID()));
  return id;
};

/** What the tablet records in a meta field (XLSForm start, end, today, deviceid, username).
 * @param {any} field @param {any} current */
function metaValue(field, current) {
  if (field.meta === 'end') return page.ending ?? current;
  if (!isEmpty(current)) return current;
  if (field.meta === 'start') return page.record.created_at;
  if (field.meta === 'today') return todayIso();
  if (field.meta === 'deviceid') return deviceId();
  return field.meta === 'username' ? formEl.dataset.username || null : null;
}

/** Answers from the page: non-relevant answers left out, calculations recomputed, the page updated to
 * match (hidden fields, computed values, warnings, evidence marks, BE dates, the feedback summary).
 * @returns {Record<string, any>} */
export function collect() {
  /** @type {Record<string, any>} */
  const answers = {};
  /** @type {{field: any, key: string, item: any}[]} */
  const shown = [];
  const today = todayIso();
  /** @param {any[]} list @param {string} prefix @param {any} item @param {any} target @param {boolean} parentShown */
  const visit = (list, prefix, item, target, parentShown) => {
    for (const field of list) {
      const key = prefix + field.name;
      const relevant = parentShown && isRelevant(field, answers, item, today);
      const w = wrapper(key);
      if (w) w.hidden = !relevant;
      if (field.kind === 'group') { visit(field.fields, prefix, item, target, relevant); continue; }
      if (!relevant || field.kind === 'note' || field.kind === 'feedback') continue;
      shown.push({ field, key, item });
      if (field.kind === 'repeat') {
        const entries = [];
        const wanted = repeatCount(field, answers, item, today);
        if (wanted !== null && wanted !== itemCount(key)) setItemCount(key, wanted);
        for (let i = 0; i < itemCount(key); i++) {
          const entry = {};
          entries.push(entry);
          visit(field.fields, `${key}.${i}.`, { ...(item || {}), ...itemScope(field.fields, {}) }, entry, true);
        }
        if (entries.length) target[field.name] = entries;
        continue;
      }
      let value;
      if (field.kind === 'calculate') {
        value = compileRule(field.calculate).evaluate(answers, { item, today });
        write(key, value);
      } else if (field.kind === 'meta') {
        value = metaValue(field, read(key));
        write(key, value);
      } else {
        if (field.choice_filter) filterChoices(field, key, answers, item, today);
        value = read(key);
      }
      if (!isEmpty(value)) {
        target[field.name] = value;
        if (item) item[field.name] = value;
      }
      if (field.kind === 'rating') {
        const evidence = read(prefix + evidenceName(field));
        if (!isEmpty(evidence)) {
          target[evidenceName(field)] = evidence;
          if (item) item[evidenceName(field)] = evidence;
        }
      }
    }
  };
  visit(topFields, '', null, answers, true);
  paintAnswers(answers, shown, today);
  return answers;
}

/** Fill the page's controls from the record's answers (repeats get their items), then collect it. */
export function fill() {
  /** @param {any[]} list @param {string} prefix @param {any} scope */
  const visit = (list, prefix, scope) => {
    for (const field of list) {
      const key = prefix + field.name;
      if (field.kind === 'group') { visit(field.fields, prefix, scope); continue; }
      if (field.kind === 'note' || field.kind === 'feedback') continue;
      if (field.kind === 'repeat') {
        const items = Array.isArray(scope[field.name]) ? scope[field.name] : [];
        setItemCount(key, items.length);
        items.forEach((/** @type {any} */ item, /** @type {number} */ i) => visit(field.fields, `${key}.${i}.`, item));
        continue;
      }
      if (field.kind === 'teacher') for (const el of inputs(key)) el.dataset.keep = scope[field.name] ?? '';
      write(key, scope[field.name]);
      if (field.kind === 'rating') write(prefix + evidenceName(field), scope[evidenceName(field)]);
    }
  };
  visit(topFields, '', page.record.answers || {});
  collect();
}

/** The record's title in the lists (XLSForm instance_name), or null. @param {any} answers */
export function instanceName(answers) {
  if (!form.instance_name) return null;
  const value = compileRule(form.instance_name).evaluate(answers, { today: todayIso() });
  return isEmpty(value) ? null : String(value);
}
