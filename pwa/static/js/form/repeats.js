// Repeat items (a pupil, an agreed action): their DOM from the repeat's <template>, added, removed, counted
// to a repeat_count, and the add/remove buttons kept to the repeat's bounds.
import { t } from '../i18n.js';
import { setupWidgets } from '../widgets.js';
import { collect, fill } from './binding.js';
import { formEl, hooks, page, widgetContext } from './page.js';
import { fillTeacherPickers } from './pickers.js';

/** @param {string} key @returns {HTMLElement} */
export const itemsBox = (key) => /** @type {HTMLElement} */ (formEl.querySelector(`[data-items-for="${CSS.escape(key)}"]`));
/** @param {string} key */
export const itemCount = (key) => itemsBox(key)?.children.length ?? 0;

/** Put an item's index in place of its depth's placeholder, nested repeats' templates included.
 * @param {Element} root @param {string} token @param {number} index */
function placeIndex(root, token, index) {
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      if (attr.value.includes(token)) el.setAttribute(attr.name, attr.value.replaceAll(token, String(index)));
    }
    if (el instanceof HTMLTemplateElement) for (const inner of el.content.children) placeIndex(inner, token, index);
  }
}

/** Add one item to the repeat at `key`. @param {string} key */
export function addItemDom(key) {
  const box = itemsBox(key);
  const template = /** @type {HTMLTemplateElement} */ (formEl.querySelector(`template[data-template-for="${CSS.escape(key)}"]`));
  const index = box.children.length;
  const item = /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
  placeIndex(item, `__i${key.split('.').filter((part) => /^\d+$/.test(part)).length}__`, index);
  item.dataset.index = String(index);
  /** @type {HTMLElement} */ (item.querySelector('[data-item-number]')).textContent = String(index + 1);
  item.querySelector('[data-remove-item]')?.addEventListener('click', () => removeItem(key, index));
  box.append(item);
  setupWidgets(item, widgetContext);
  fillTeacherPickers(item);
}

/** @param {string} key @param {number} n */
export function setItemCount(key, n) {
  const box = itemsBox(key);
  while (box.children.length < n) addItemDom(key);
  while (box.children.length > n) box.lastElementChild?.remove();
}

export function updateRepeatButtons() {
  const readonly = formEl.dataset.readonly === 'true';
  for (const button of formEl.querySelectorAll('[data-add-item]')) {
    const key = /** @type {HTMLButtonElement} */ (button).dataset.addItem || '';
    const rep = /** @type {HTMLElement} */ (button.closest('.repeat'));
    const max = rep.dataset.max ? Number(rep.dataset.max) : Infinity;
    /** @type {HTMLButtonElement} */ (button).disabled = readonly || itemCount(key) >= max;
    for (const remove of itemsBox(key).querySelectorAll('[data-remove-item]')) {
      /** @type {HTMLButtonElement} */ (remove).disabled = readonly;
    }
  }
}

/** Remove one item (after asking) and its answers; the items after it move up.
 * @param {string} key @param {number} index */
function removeItem(key, index) {
  if (!confirm(t('Remove this item and its answers?'))) return;
  const answers = collect();
  const parts = key.split('.');
  const last = /** @type {string} */ (parts.pop());
  const parent = parts.reduce((/** @type {any} */ o, part) => o?.[part], answers) || {};
  const items = [...(parent[last] || [])];
  items.splice(index, 1);
  if (items.length) parent[last] = items;
  else delete parent[last];
  page.record.answers = answers;
  fill();
  hooks.changed();
}
