// A conflict: the answers that differ between my version and the server's side by side, and settling it by
// keeping one (a new revision that resolves the server's, sent again).
import { requestSync } from '../app.js';
import { t } from '../i18n.js';
import { next } from '../record.js';
import { isEmpty } from '../validate.js';
import { save } from './autosave.js';
import { fill } from './binding.js';
import { $, fields, page } from './page.js';
import { showState } from './paint.js';

export const newRev = () => `r-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;

export function showConflict() {
  const { record } = page;
  const box = $('conflict');
  const current = record.state === 'conflict' ? record.conflict?.current : null;
  box.hidden = !current;
  if (!current) return;
  const diff = $('conflict-diff');
  /** @param {any} v */
  const shown = (v) => (isEmpty(v) ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  /** @param {string} heading @param {Record<string, any>} answers */
  const column = (heading, answers) => {
    const dl = document.createElement('dl');
    for (const field of fields) {
      const a = record.answers[field.name];
      const b = current.answers[field.name];
      if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue;
      const dt = document.createElement('dt');
      dt.textContent = field.label.th;
      const dd = document.createElement('dd');
      dd.className = 'diff';
      dd.textContent = shown(answers[field.name]);
      dl.append(dt, dd);
    }
    const col = document.createElement('div');
    const h = document.createElement('h3');
    h.textContent = heading;
    col.append(h, dl);
    return col;
  };
  diff.replaceChildren(column(t('My version'), record.answers), column(t('Version on the server'), current.answers));
}

/** Settle the conflict with these answers (mine or the server's). @param {Record<string, any>} answers */
export async function resolve(answers) {
  const { record } = page;
  const current = record.conflict.current;
  record.resolves = [record.conflict.mine];
  record.base_rev = current.rev;
  record.answers = answers;
  record.rev = newRev();
  record.state = next(record.state, 'resolve');
  record.conflict = null;
  await save();
  fill();
  showState();
  requestSync('resolve');
}
