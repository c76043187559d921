// Painting the page from its answers: relevance is shown by collect (binding.js); here ${} texts filled in,
// choice filters, evidence marks, warnings, BE dates, problems (required, constraint…) and the record's
// state with its read-only mode.
import { t } from '../i18n.js';
import { editable, STATE_LABELS } from '../record.js';
import { compileRule, truthy } from '../rules.js';
import { beDate, todayIso } from '../thaidate.js';
import { evidenceRequired, isEmpty, offered, PROBLEM_TEXTS, validate } from '../validate.js';
import { collect, inputs, keyOf, wrapper } from './binding.js';
import { showConflict } from './conflicts.js';
import { showFeedback } from './feedback.js';
import { $, form, formEl, page } from './page.js';
import { updateRepeatButtons } from './repeats.js';

/** The scope of the repeat item(s) a DOM key is in (`hh.0.kids.1.age`: hh[0] then its kids[1]), or null.
 * @param {string} key @param {any} answers */
function scopeOf(key, answers) {
  const parts = key.split('.');
  let obj = answers;
  let scope = null;
  for (let i = 0; i + 1 < parts.length && /^\d+$/.test(parts[i + 1]); i += 2) {
    obj = (obj?.[parts[i]] || [])[Number(parts[i + 1])] || {};
    scope = { ...(scope || {}), ...obj };
  }
  return scope;
}

/** A text with ${name} references filled in from the answers (ODK shows a choice by its name).
 * @param {string} text @param {any} answers @param {any} item */
function interpolate(text, answers, item) {
  return text.replace(/\$\{([^{}$\s]+)\}/g, (_, name) => {
    const value = compileRule(`\${${name}}`).evaluate(answers, { item });
    return isEmpty(value) ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  });
}

/** Show only the choices the field's choice filter keeps; a kept answer that is filtered out is cleared.
 * @param {any} field @param {string} key @param {any} answers @param {any} item @param {string} today */
export function filterChoices(field, key, answers, item, today) {
  const keep = new Set(offered(form, field, answers, item, today).map((/** @type {any} */ c) => c.value));
  for (const input of inputs(key)) {
    const shownNow = keep.has(input.value);
    input.closest('label').hidden = !shownNow;
    if (!shownNow) input.checked = false;
  }
}

/** After collecting: ${} texts, evidence marks, warnings, BE dates, the feedback summary, repeat buttons.
 * @param {Record<string, any>} answers @param {{field: any, key: string, item: any}[]} shown @param {string} today */
export function paintAnswers(answers, shown, today) {
  for (const el of formEl.querySelectorAll('[data-interp]')) {
    const holder = /** @type {HTMLElement | null} */ (el.closest('[data-field]'));
    el.textContent = interpolate(/** @type {HTMLElement} */ (el).dataset.interp || '', answers, scopeOf(holder?.dataset.field || '', answers));
  }
  for (const { field, key, item } of shown) {
    const scope = item || answers;
    if (field.kind === 'rating') {
      const mark = /** @type {HTMLElement | null | undefined} */ (wrapper(key)?.querySelector('.evidence-req'));
      if (mark) mark.hidden = !evidenceRequired(field, answers, scope[field.name], item, today);
    }
    if (field.warning) {
      const warn = $(`warn-${key}`);
      if (warn) warn.hidden = !truthy(compileRule(field.warning).evaluate(answers, { current: scope[field.name], item, today }));
    }
    if (field.kind === 'date') {
      const out = formEl.querySelector(`[data-be-for="${CSS.escape(key)}"]`);
      if (out) out.textContent = beDate(scope[field.name]);
    }
  }
  showFeedback(answers);
  updateRepeatButtons();
}

/** Show (or clear) the problem of one control; a constraint shows its message, its ${} filled in.
 * @param {string} key @param {any} problem @param {any} answers */
function showProblem(key, problem, answers) {
  const err = $(`err-${key}`);
  if (!err) return;
  err.hidden = !problem;
  err.closest('.field')?.classList.toggle('invalid', Boolean(problem));
  if (!problem) return;
  const message = problem.code === 'constraint' && err.dataset.constraintMessage;
  err.textContent = message ? interpolate(message, answers, scopeOf(key, answers)) : t(PROBLEM_TEXTS[problem.code] ?? problem.code);
}

/** On leaving a control, as ODK does: its constraint is checked and its message shown (or cleared).
 * @param {Event} event */
export function checkOnLeave(event) {
  const key = /** @type {any} */ (event.target)?.name;
  if (!key || formEl.dataset.readonly === 'true') return;
  const answers = collect();
  const problem = validate(form, answers, { today: todayIso() }).find((/** @type {any} */ p) => keyOf(p.field) === key && p.code === 'constraint');
  const err = $(`err-${key}`);
  if (problem || (err && !err.hidden)) showProblem(key, problem, answers);
}

/** @param {any[]} problems */
export function showProblems(problems) {
  for (const el of formEl.querySelectorAll('.error')) /** @type {HTMLElement} */ (el).hidden = true;
  for (const el of formEl.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const answers = page.record.answers || {};
  for (const p of problems) showProblem(keyOf(p.field), p, answers);
  const summary = $('error-summary');
  summary.hidden = problems.length === 0;
  summary.textContent = problems.length ? `${t('Please fix the highlighted answers')} (${problems.length})` : '';
  if (problems.length) {
    const key = keyOf(problems[0].field);
    const first = $(`field-${key}`) || $(`f-${key}`) || $(`err-${key}`)?.closest('.field');
    first?.scrollIntoView({ block: 'center' });
    first?.querySelector('input:not([type=hidden]), select, textarea, button')?.focus({ preventScroll: true });
  }
}

/** @param {boolean} readonly */
function setReadonly(readonly) {
  formEl.dataset.readonly = String(readonly);
  for (const el of /** @type {any} */ (formEl.elements)) {
    if (el.matches('[data-word]')) continue; // the reading grid enables its words itself
    el.disabled = readonly;
  }
  $('finalize').hidden = readonly;
  $('edit-record').hidden = !readonly;
  updateRepeatButtons();
}

/** The record's state in the bottom bar (with the server's reason when refused), a conflict, read only. */
export function showState() {
  const { record } = page;
  const box = $('record-state');
  box.hidden = record.state === 'draft';
  box.dataset.state = record.state;
  let text = t(STATE_LABELS[record.state]);
  if (record.state === 'pending' || record.state === 'synced') text += ` · ${t('Read only: press Edit to change it (that makes a new revision)')}`;
  if (record.state === 'rejected' && record.receipt) text += ` · ${record.receipt.message || ''}`;
  if (record.state === 'pending' && record.receipt?.code === 'attachment_missing') text += ` · ${record.receipt.message || ''}`;
  box.textContent = text;
  if (record.state === 'rejected' && record.receipt?.problems) showProblems(record.receipt.problems);
  showConflict();
  setReadonly(!editable(record.state));
}
